package dev.duplex.app.bench;

import dev.duplex.app.Duplex;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code duplex serve} in a JVM of its own on 127.0.0.1 and a free port, started from this test's classpath, with
 * the last lines of its stderr kept for failure messages. {@link #close()} stops it (SIGTERM, then SIGKILL).
 */
final class ServeProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/");
    private static final int KEPT_LINES = 40;

    private final Process process;
    private final int port;
    private final Deque<String> stderr;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ServeProcess(Process process, int port, Deque<String> stderr) {
        this.process = process;
        this.port = port;
        this.stderr = stderr;
    }

    /**
     * Starts {@code java JVM_OPTIONS -cp CLASSPATH dev.duplex.app.Duplex serve --host 127.0.0.1 --port 0 ARGS} and
     * waits (at most 30 s) for the banner's port.
     */
    static ServeProcess start(List<String> jvmOptions, List<String> args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Duplex.class.getName(),
                "serve", "--host", "127.0.0.1", "--port", "0"));
        command.addAll(args);
        Process process = new ProcessBuilder(command).start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread out = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            port.completeExceptionally(new IllegalStateException("serve ended without printing its port"));
        }, "serve-stdout");
        out.setDaemon(true);
        out.start();
        Deque<String> stderr = new ArrayDeque<>();
        Thread err = new Thread(() -> keepStderr(process, stderr), "serve-stderr");
        err.setDaemon(true);
        err.start();
        try {
            return new ServeProcess(process, port.get(30, TimeUnit.SECONDS), stderr);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            err.join(TimeUnit.SECONDS.toMillis(5));
            synchronized (stderr) {
                throw new IllegalStateException("duplex serve " + String.join(" ", args) + " did not start: "
                        + e.getMessage() + "; its stderr:\n" + String.join("\n", stderr), e);
            }
        }
    }

    private static void keepStderr(Process process, Deque<String> stderr) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (stderr) {
                    stderr.addLast(line);
                    if (stderr.size() > KEPT_LINES) {
                        stderr.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    int port() {
        return port;
    }

    Process process() {
        return process;
    }

    String url(String path) {
        return "ws://127.0.0.1:" + port + path;
    }

    /** The last lines the server wrote to stderr. */
    String stderrTail() {
        synchronized (stderr) {
            return String.join("\n", stderr);
        }
    }

    /** GET {@code path} with a deadline of {@code timeout}. */
    HttpResponse<String> get(String path, Duration timeout) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(timeout).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The samples of {@code /metrics}, name to value (the server writes no labels). */
    Map<String, Double> metrics() throws IOException, InterruptedException {
        HttpResponse<String> r = get("/metrics", Duration.ofSeconds(10));
        if (r.statusCode() != 200) {
            throw new AssertionError("/metrics answered " + r.statusCode());
        }
        Map<String, Double> values = new HashMap<>();
        for (String line : r.body().split("\n")) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                int space = line.lastIndexOf(' ');
                values.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return values;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
