package dev.duplex.testkit;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real WebSocket peer from {@code peers/} run as a child process: the Node echo server and
 * client (the {@code ws} library) or the Python echo server and client (Debian's {@code
 * python3-websockets}, run with {@code /usr/bin/python3}).
 *
 * <h2>Servers</h2>
 *
 * {@link #nodeEchoServer(String...)} and {@link #pythonEchoServer(String...)} start a server on
 * 127.0.0.1 and an ephemeral port, and return once it printed {@code LISTENING <port>} (or fail
 * after {@link #STARTUP_TIMEOUT}); {@link #port()} and {@link #uri()} tell where it is. The server
 * echoes text as text and binary as binary, except three text control messages:
 *
 * <ul>
 *   <li>{@code __close <code> [reason]}: the server starts the closing handshake with that code
 *       and reason;
 *   <li>{@code __ping [payload]}: the server sends a ping, and reports each pong it gets as the
 *       text message {@code __pong <payload>};
 *   <li>{@code __terminate}: the server drops the TCP connection without a close frame.
 * </ul>
 *
 * Options are passed through as command-line arguments, the same for both servers: {@code
 * --deflate} / {@code --no-deflate}, {@code --server-no-context-takeover}, {@code
 * --client-no-context-takeover}, {@code --server-max-window-bits N}, {@code
 * --client-max-window-bits N}, {@code --max-payload N} (default 64 MiB) and, for Node only, {@code
 * --threshold N} (default 0: every message is compressed). <b>Defaults differ as the libraries'
 * do:</b> Node has permessage-deflate off unless {@code --deflate}; Python has it on (with
 * websockets' own defaults: max_window_bits 12 both ways) unless {@code --no-deflate}.
 *
 * <h2>Clients</h2>
 *
 * {@link #nodeClient(URI, String...)} and {@link #pythonClient(URI, String...)} connect to a URL
 * and run steps given as arguments (or {@code --script FILE}): {@code text <payload>}, {@code
 * text-size <n>} (see {@link Payloads#text(int)}), {@code binary-hex <hex>}, {@code binary-size
 * <n>} (see {@link Payloads#binary(int)}), {@code ping [payload]}, {@code wait <n>} (until n
 * messages in all have arrived) and {@code close [code] [reason]}. Options ({@code --deflate},
 * {@code --protocol a,b}, {@code --timeout-ms N}, ...) may be mixed in. Each event is one JSON
 * line on stdout, read with {@link #readJson(Duration)}: {@code open}, {@code message} (type,
 * length, sha256, and data or hex up to 64 KiB), {@code ping} (Node only), {@code pong}, {@code
 * close} (code, reason, clean), {@code error}, {@code timeout}. A client exits 0 after a closing
 * handshake, 1 after an error or an abnormal close, 2 on its own timeout ({@link
 * #waitForExit(Duration)}).
 *
 * <h2>Missing tools</h2>
 *
 * When {@code node}, {@code peers/node/node_modules/ws} or Python's {@code websockets} is missing,
 * the factory methods skip the test ({@link Peer#NODE_WS} or {@link Peer#PYTHON_WEBSOCKETS}, see
 * {@link Peer#unavailable(String)}: a JUnit assumption abort naming the peer and the command that
 * installs it, counted by {@link MissingPeerReport}); with {@code DUPLEX_REQUIRE_PEERS=1} they fail
 * it instead. {@code DUPLEX_NODE} and {@code DUPLEX_PYTHON} may name other interpreters (the
 * defaults are {@code node} from the PATH and {@code /usr/bin/python3}).
 *
 * <h2>Lifetime</h2>
 *
 * {@link #close()} stops this process and its descendants only, first politely, then by force.
 * The peers are started with {@code --exit-on-stdin-eof}, so they also end when the test JVM dies;
 * a shutdown hook stops any peer a test forgot to close.
 */
public final class PeerProcess implements AutoCloseable {

  /** How long a server may take to print {@code LISTENING <port>}. */
  public static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);

  private static final Pattern LISTENING = Pattern.compile("LISTENING (\\d+)");
  private static final int STDERR_KEEP = 64 * 1024;
  private static final int STDOUT_KEEP_LINES = 50;
  private static final Set<PeerProcess> LIVE = ConcurrentHashMap.newKeySet();
  private static volatile Boolean pythonOk;
  private static volatile String pythonProblem = "";

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> List.copyOf(LIVE).forEach(PeerProcess::close), "peer-reaper"));
  }

  private final String name;
  private final Process process;
  private final List<String> command;
  private final BlockingQueue<Line> stdout = new LinkedBlockingQueue<>();
  private final Deque<String> recentStdout = new ArrayDeque<>();
  private final StringBuilder stderr = new StringBuilder();
  private final Thread stdoutPump;
  private final Thread stderrPump;
  private volatile boolean stdoutEnded;
  private int port = -1;

  /** One stdout line, or the end of stdout when {@code text} is null. */
  private record Line(String text) {}

  private PeerProcess(String name, List<String> command) {
    this.name = name;
    this.command = List.copyOf(command);
    ProcessBuilder pb = new ProcessBuilder(command).directory(repoRoot().toFile());
    pb.environment().put("PYTHONUNBUFFERED", "1");
    pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    try {
      this.process = pb.start();
    } catch (IOException e) {
      throw new AssertionError("could not start " + name + ": " + String.join(" ", command), e);
    }
    LIVE.add(this);
    this.stdoutPump = new Thread(this::pumpStdout, name + "-stdout");
    this.stderrPump = new Thread(this::pumpStderr, name + "-stderr");
    stdoutPump.setDaemon(true);
    stderrPump.setDaemon(true);
    stdoutPump.start();
    stderrPump.start();
  }

  // ---------------------------------------------------------------- factories

  /**
   * Starts {@code peers/node/echo-server.js} on 127.0.0.1 and waits for it to listen.
   *
   * @param options command-line options, e.g. {@code "--deflate", "--server-no-context-takeover"}
   */
  public static PeerProcess nodeEchoServer(String... options) {
    requireNodePeers();
    return startServer("node-echo-server", node(), "peers/node/echo-server.js", options);
  }

  /**
   * Starts {@code peers/python/echo_server.py} on 127.0.0.1 and waits for it to listen.
   *
   * @param options command-line options, e.g. {@code "--no-deflate"}
   */
  public static PeerProcess pythonEchoServer(String... options) {
    requirePythonPeers();
    return startServer("python-echo-server", python(), "peers/python/echo_server.py", options);
  }

  /**
   * Starts {@code peers/node/client.js} against {@code url}; it connects at once and runs the
   * steps. Read its events with {@link #readJson(Duration)}.
   *
   * @param argsAndSteps options and steps, e.g. {@code "--deflate", "text hello", "wait 1",
   *     "close 1000 done"}
   */
  public static PeerProcess nodeClient(URI url, String... argsAndSteps) {
    requireNodePeers();
    return startClient("node-client", node(), "peers/node/client.js", url, argsAndSteps);
  }

  /**
   * Starts {@code peers/python/client.py} against {@code url}; see {@link #nodeClient(URI,
   * String...)}.
   */
  public static PeerProcess pythonClient(URI url, String... argsAndSteps) {
    requirePythonPeers();
    return startClient("python-client", python(), "peers/python/client.py", url, argsAndSteps);
  }

  private static PeerProcess startServer(
      String name, String interpreter, String script, String... options) {
    List<String> cmd = new ArrayList<>(List.of(interpreter, script, "--exit-on-stdin-eof"));
    cmd.addAll(Arrays.asList(options));
    PeerProcess p = new PeerProcess(name, cmd);
    try {
      String first = p.readLine(STARTUP_TIMEOUT);
      Matcher m = LISTENING.matcher(first.strip());
      if (!m.matches()) {
        throw new AssertionError(p.describe("expected 'LISTENING <port>' but got '" + first + "'"));
      }
      p.port = Integer.parseInt(m.group(1));
      return p;
    } catch (RuntimeException | Error e) {
      p.close();
      throw e;
    }
  }

  private static PeerProcess startClient(
      String name, String interpreter, String script, URI url, String... argsAndSteps) {
    List<String> cmd =
        new ArrayList<>(List.of(interpreter, script, url.toString(), "--exit-on-stdin-eof"));
    cmd.addAll(Arrays.asList(argsAndSteps));
    return new PeerProcess(name, cmd);
  }

  // ---------------------------------------------------------------- prerequisites

  /**
   * Skips (or, with {@code DUPLEX_REQUIRE_PEERS=1}, fails) the current test unless {@code node} and
   * {@code peers/node/node_modules/ws} are there; see {@link Peer#unavailable(String)}.
   */
  public static void requireNodePeers() {
    String node = node();
    if (!onPath(node)) {
      Peer.NODE_WS.unavailable(
          "Node.js '" + node + "' is not on the PATH; install node 20+ first");
    }
    if (!Files.isRegularFile(repoRoot().resolve("peers/node/node_modules/ws/package.json"))) {
      Peer.NODE_WS.unavailable("peers/node/node_modules/ws is not there");
    }
  }

  /**
   * Skips (or, with {@code DUPLEX_REQUIRE_PEERS=1}, fails) the current test unless the Python
   * interpreter can import {@code websockets}; see {@link Peer#unavailable(String)}.
   */
  public static void requirePythonPeers() {
    Boolean ok = pythonOk;
    if (ok == null) {
      synchronized (PeerProcess.class) {
        if (pythonOk == null) {
          pythonOk = probePython();
        }
        ok = pythonOk;
      }
    }
    if (!ok) {
      Peer.PYTHON_WEBSOCKETS.unavailable(
          "'import websockets' fails with '" + python() + "': " + pythonProblem);
    }
  }

  private static boolean probePython() {
    try {
      Process p =
          new ProcessBuilder(python(), "-c", "import websockets; print(websockets.__version__)")
              .redirectErrorStream(true)
              .start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        pythonProblem = "the probe did not finish in 30 s";
        return false;
      }
      if (p.exitValue() != 0) {
        pythonProblem = out.lines().reduce((a, b) -> b).orElse("exit " + p.exitValue());
        return false;
      }
      return true;
    } catch (IOException e) {
      pythonProblem = e.getMessage();
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pythonProblem = "interrupted";
      return false;
    }
  }

  private static String node() {
    String env = System.getenv("DUPLEX_NODE");
    return env != null && !env.isBlank() ? env : "node";
  }

  private static String python() {
    String env = System.getenv("DUPLEX_PYTHON");
    if (env != null && !env.isBlank()) {
      return env;
    }
    return Files.isExecutable(Paths.get("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
  }

  static boolean onPath(String exe) {
    if (exe.contains(File.separator)) {
      return Files.isExecutable(Paths.get(exe));
    }
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Paths.get(dir, exe))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The repository root: the nearest directory at or above the working directory that holds
   * {@code mvnw} (Surefire runs each module's tests in the module's directory).
   */
  public static Path repoRoot() {
    Path dir = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("mvnw")) && Files.isDirectory(d.resolve("peers"))) {
        return d;
      }
    }
    throw new IllegalStateException("no directory with mvnw and peers/ at or above " + dir);
  }

  // ---------------------------------------------------------------- queries

  /** A short name such as {@code node-echo-server}, used in thread names and messages. */
  public String name() {
    return name;
  }

  /** The operating-system process id. */
  public long pid() {
    return process.pid();
  }

  /** Whether the process is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** The port the server listens on (127.0.0.1). Only for the echo servers. */
  public int port() {
    if (port < 0) {
      throw new IllegalStateException(name + " is not a server");
    }
    return port;
  }

  /** {@code ws://127.0.0.1:<port>/}. Only for the echo servers. */
  public URI uri() {
    return uri("/");
  }

  /** {@code ws://127.0.0.1:<port><path>}. Only for the echo servers. */
  public URI uri(String path) {
    return URI.create("ws://127.0.0.1:" + port() + (path.startsWith("/") ? path : "/" + path));
  }

  /**
   * The next stdout line, waiting at most {@code timeout}.
   *
   * @throws AssertionError on timeout or when stdout ended first; the message carries the
   *     process's stderr and its last stdout lines
   */
  public String readLine(Duration timeout) {
    Optional<String> line = pollLine(timeout);
    if (line.isPresent()) {
      return line.get();
    }
    if (endOfStdout()) {
      awaitOwnExit(Duration.ofSeconds(2)); // so that the message has the exit status
      throw new AssertionError(describe("stdout ended before the expected line"));
    }
    throw new AssertionError(describe("no stdout line within " + timeout));
  }

  private boolean endOfStdout() {
    Line head = stdout.peek();
    return stdoutEnded && head != null && head.text() == null;
  }

  /**
   * The next stdout line, or empty if none came within {@code timeout} or stdout ended (check
   * {@link #isAlive()} or {@link #waitForExit(Duration)} to tell which).
   */
  public Optional<String> pollLine(Duration timeout) {
    try {
      Line line = stdout.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
      if (line == null) {
        return Optional.empty();
      }
      if (line.text() == null) {
        stdout.add(line); // keep the end marker for later readers
        return Optional.empty();
      }
      return Optional.of(line.text());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while reading " + name, e);
    }
  }

  /**
   * Reads stdout lines until one matches, within one overall deadline; the lines before it are
   * skipped.
   *
   * @throws AssertionError when none matched in time
   */
  public String readLineMatching(Predicate<String> wanted, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      Optional<String> line = pollLine(Duration.ofNanos(Math.max(0, left)));
      if (line.isPresent() && wanted.test(line.get())) {
        return line.get();
      }
      if (line.isEmpty()) {
        throw new AssertionError(
            describe(
                endOfStdout()
                    ? "stdout ended before a matching line"
                    : "no matching stdout line within " + timeout));
      }
    }
  }

  /**
   * The next stdout line parsed as a JSON object (the clients print one per event).
   *
   * @throws AssertionError on timeout, end of output, or a line that is not a JSON object
   */
  public Map<String, Object> readJson(Duration timeout) {
    String line = readLine(timeout);
    try {
      return Json.parseObject(line);
    } catch (IllegalArgumentException e) {
      throw new AssertionError(describe("not a JSON object: " + line), e);
    }
  }

  /**
   * Reads the rest of stdout, until the process closes it, within {@code timeout}.
   *
   * @throws AssertionError if stdout is still open at the deadline
   */
  public List<String> readRemainingLines(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> lines = new ArrayList<>();
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        Line line = stdout.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
        if (line == null) {
          throw new AssertionError(
              describe("stdout still open after " + timeout + "; read " + lines));
        }
        if (line.text() == null) {
          stdout.add(line);
          return lines;
        }
        lines.add(line.text());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while reading " + name, e);
    }
  }

  /**
   * Waits for the process to exit by itself and returns its exit code.
   *
   * @throws AssertionError if it is still running after {@code timeout} (it is left running;
   *     {@link #close()} stops it)
   */
  public int waitForExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        throw new AssertionError(describe("still running after " + timeout));
      }
      stdoutPump.join(5_000);
      stderrPump.join(5_000);
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + name, e);
    }
  }

  /** Everything the process wrote to stderr so far (the last 64 KiB). */
  public String stderr() {
    synchronized (stderr) {
      return stderr.toString();
    }
  }

  /** A description for failure messages: the command, its state, stderr and recent stdout. */
  public String describe(String problem) {
    List<String> recent;
    synchronized (recentStdout) {
      recent = List.copyOf(recentStdout);
    }
    return name
        + ": "
        + problem
        + "\n  command: "
        + String.join(" ", command)
        + "\n  state: "
        + exitText()
        + "\n  last stdout lines: "
        + recent
        + "\n  stderr:\n"
        + stderr().indent(4);
  }

  private String exitText() {
    return process.isAlive() ? "running, pid " + process.pid() : "exited with " + process.exitValue();
  }

  // ---------------------------------------------------------------- lifetime

  /**
   * Stops the process and its descendants: closes its stdin, sends SIGTERM, and after 5 s
   * SIGKILL. Does nothing to any other process. Safe to call more than once.
   */
  @Override
  public void close() {
    LIVE.remove(this);
    List<ProcessHandle> tree = new ArrayList<>();
    try {
      process.descendants().forEach(tree::add);
    } catch (RuntimeException ignored) {
      // the process may be gone already
    }
    try {
      process.getOutputStream().close();
    } catch (IOException ignored) {
      // it may have exited
    }
    tree.forEach(ProcessHandle::destroy);
    process.destroy();
    if (!awaitOwnExit(Duration.ofSeconds(5))) {
      process.destroyForcibly();
      awaitOwnExit(Duration.ofSeconds(5));
    }
    for (ProcessHandle h : tree) {
      if (!awaitExit(h, Duration.ofSeconds(2))) {
        h.destroyForcibly();
      }
    }
    try {
      stdoutPump.join(2_000);
      stderrPump.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits on the {@link Process} itself, not its {@link ProcessHandle}: the handle can see the exit
   * before the Process has reaped it, and then {@link Process#isAlive()} still says true.
   */
  private boolean awaitOwnExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  private static boolean awaitExit(ProcessHandle h, Duration timeout) {
    if (!h.isAlive()) {
      return true;
    }
    try {
      h.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return !h.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !h.isAlive();
    }
  }

  @Override
  public String toString() {
    return name + "[pid " + process.pid() + (port >= 0 ? ", port " + port : "") + "]";
  }

  // ---------------------------------------------------------------- pumps

  private void pumpStdout() {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        synchronized (recentStdout) {
          recentStdout.addLast(line.length() > 500 ? line.substring(0, 500) + "…" : line);
          if (recentStdout.size() > STDOUT_KEEP_LINES) {
            recentStdout.removeFirst();
          }
        }
        stdout.add(new Line(line));
      }
    } catch (IOException e) {
      // the stream closes when the process is killed
    } finally {
      stdoutEnded = true;
      stdout.add(new Line(null));
    }
  }

  private void pumpStderr() {
    try (InputStream in = process.getErrorStream()) {
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) >= 0) {
        synchronized (stderr) {
          stderr.append(new String(buf, 0, n, StandardCharsets.UTF_8));
          if (stderr.length() > STDERR_KEEP) {
            stderr.delete(0, stderr.length() - STDERR_KEEP);
          }
        }
      }
    } catch (IOException e) {
      // closed on kill
    }
  }
}
