package dev.duplex.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} child process on 127.0.0.1 and a free port, without automatic snapshots or AOF,
 * its files in a given folder (one folder per server). {@link #stop} shuts it down saving its data, so {@link
 * #start} on the same object brings the same data back on the same port (like a Redis with persistence coming
 * back after an outage). The same binary also runs as a Sentinel ({@link #sentinel}); {@link RedisCluster} starts
 * several as a Redis Cluster. Without redis-server the test is skipped, or fails if {@code DUPLEX_REQUIRE_PEERS=1}.
 * Not thread-safe.
 */
public final class RedisServer implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/redis-server");
    private static final Duration STARTUP = Duration.ofSeconds(10);

    private final Path dir;
    private final int port;
    private final List<String> command;
    private Process process;

    private RedisServer(Path dir, int port, List<String> command) {
        this.dir = dir;
        this.port = port;
        this.command = command;
    }

    /** Starts a redis-server with its files in {@code dir}; skips (or fails, see above) if there is none. */
    public static RedisServer start(Path dir) throws Exception {
        return start(dir, new String[0]);
    }

    /**
     * As {@link #start(Path)}, with more redis-server options after the default ones, each option name and its
     * values as separate strings, e.g. {@code "--replicaof", "127.0.0.1", "6379"}.
     */
    public static RedisServer start(Path dir, String... options) throws Exception {
        requireBinary();
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                "--daemonize", "no"));
        command.addAll(List.of(options));
        RedisServer r = new RedisServer(dir, port, command);
        r.start();
        return r;
    }

    /**
     * Starts a Redis Sentinel (redis-server in Sentinel mode, its config file in {@code dir}) that monitors
     * {@code primary} as {@code masterName} with quorum 1, declares it down after 1 s without an answer and
     * gives a failover 3 s. Connect hub nodes with {@link #sentinelUri}; force a failover with
     * {@code command("SENTINEL FAILOVER " + masterName)}.
     */
    public static RedisServer sentinel(Path dir, String masterName, RedisServer primary) throws Exception {
        requireBinary();
        int port = freePort();
        Path conf = dir.resolve("sentinel.conf");
        Files.writeString(conf, String.join("\n",
                "port " + port,
                "bind 127.0.0.1",
                "dir " + dir,
                "sentinel monitor " + masterName + " 127.0.0.1 " + primary.port() + " 1",
                "sentinel down-after-milliseconds " + masterName + " 1000",
                "sentinel failover-timeout " + masterName + " 3000",
                ""));
        RedisServer r = new RedisServer(dir, port, List.of(BINARY.toString(), conf.toString(), "--sentinel"));
        r.start();
        return r;
    }

    private static void requireBinary() {
        if (!Files.isExecutable(BINARY)) {
            Peer.REDIS.unavailable(BINARY + " is missing");
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** For a {@link #sentinel}: {@code redis-sentinel://127.0.0.1:<port>/?sentinelMasterId=<masterName>}. */
    public String sentinelUri(String masterName) {
        return "redis-sentinel://127.0.0.1:" + port + "/?sentinelMasterId=" + masterName;
    }

    /** The port it listens on (127.0.0.1). */
    public int port() {
        return port;
    }

    /** Starts the server (again); returns once it answers PING. */
    public void start() throws Exception {
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (true) {
            try {
                if (command("PING").startsWith("+PONG")) {
                    return;
                }
            } catch (IOException e) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("redis-server did not answer PING within " + STARTUP);
            }
            TimeUnit.MILLISECONDS.sleep(20); // polling with a deadline for the process to listen
        }
    }

    /** Shuts the server down, saving its data to the folder first; returns once the process ended. */
    public void stop() throws Exception {
        try {
            command("SHUTDOWN SAVE");
        } catch (IOException expected) {
            // the server closes the connection as it shuts down
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Kills the process ({@code kill -9}: nothing saved, connections drop); returns once it ended. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /**
     * Sends one inline command and returns its whole reply as text: a simple string, error ({@code -...}) or
     * integer as its line (e.g. {@code +OK}, {@code :3}), a bulk string as its content, an array as its elements
     * one a line (nested arrays flattened), a null as the empty string.
     */
    public String call(String inline) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            StringBuilder text = new StringBuilder();
            readReply(new java.io.BufferedInputStream(s.getInputStream()), text);
            return text.toString().strip();
        }
    }

    private static void readReply(InputStream in, StringBuilder text) throws IOException {
        String line = readLine(in);
        switch (line.charAt(0)) {
            case '$' -> {
                int length = Integer.parseInt(line.substring(1));
                if (length >= 0) {
                    text.append(new String(in.readNBytes(length), StandardCharsets.UTF_8)).append('\n');
                    readLine(in);
                }
            }
            case '*' -> {
                int count = Integer.parseInt(line.substring(1));
                for (int i = 0; i < count; i++) {
                    readReply(in, text);
                }
            }
            default -> text.append(line).append('\n');
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b == -1) {
                throw new IOException("connection closed in a reply");
            }
            line.append((char) b);
        }
        if (line.length() == 0 || line.charAt(line.length() - 1) != '\r') {
            throw new IOException("not a RESP line: " + line);
        }
        return line.substring(0, line.length() - 1);
    }

    /** Sends one inline command and returns the first reply line. */
    public String command(String inline) throws IOException {
        return reply(inline, 1);
    }

    /** Sends one inline command whose reply is one bulk string, and returns that string. */
    public String bulk(String inline) throws IOException {
        return reply(inline, 2);
    }

    private String reply(String inline, int lineNumber) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < lineNumber; i++) {
                line.setLength(0);
                for (int b; (b = in.read()) != -1 && b != '\n'; ) {
                    line.append((char) b);
                }
                if (line.length() == 0) {
                    throw new IOException("connection closed without a reply");
                }
            }
            return line.toString().trim();
        }
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            try {
                if (command("SHUTDOWN NOSAVE").startsWith("-")) {
                    process.destroy(); // a Sentinel: SIGTERM
                }
            } catch (IOException ignored) {
                // closing anyway
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
