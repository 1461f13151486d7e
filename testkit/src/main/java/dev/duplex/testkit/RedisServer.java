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
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} child process on 127.0.0.1 and a free port, without automatic snapshots or AOF,
 * its files in a given folder. {@link #stop} shuts it down saving its data, so {@link #start} on the same object
 * brings the same data back on the same port (like a Redis with persistence coming back after an outage).
 * Without redis-server the test is skipped, or fails if {@code DUPLEX_REQUIRE_PEERS=1}.
 */
public final class RedisServer implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/redis-server");
    private static final Duration STARTUP = Duration.ofSeconds(10);

    private final Path dir;
    private final int port;
    private Process process;

    private RedisServer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Starts a redis-server with its files in {@code dir}; skips (or fails, see above) if there is none. */
    public static RedisServer start(Path dir) throws Exception {
        if (!Files.isExecutable(BINARY)) {
            Peer.REDIS.unavailable(BINARY + " is missing");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        RedisServer r = new RedisServer(dir, port);
        r.start();
        return r;
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts the server (again); returns once it answers PING. */
    public void start() throws Exception {
        process = new ProcessBuilder(BINARY.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no")
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
                command("SHUTDOWN NOSAVE");
            } catch (IOException ignored) {
                // closing anyway
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
