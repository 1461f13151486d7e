package dev.duplex.bench.servers;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract bench/compare.sh relies on, for each server as its own process: it prints {@code LISTENING <port>}
 * once it accepts connections, serves, and exits by itself on SIGTERM ({@link Process#destroy()}).
 */
class BenchServersProcessTest {

    @ParameterizedTest
    @CsvSource({"duplex, nio", "netty, nio", "netty, epoll", "jetty, nio", "java-websocket, nio"})
    void announcesItsPortServesAndStopsOnSigterm(String name, String transport) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                BenchServers.class.getName(), name, "--port", "0", "--transport", transport));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = CompletableFuture.supplyAsync(() -> readLine(out)).get(30, TimeUnit.SECONDS);
            assertTrue(line != null && line.matches("LISTENING \\d+"), "first line: " + line);
            int port = Integer.parseInt(line.substring("LISTENING ".length()));
            try (JdkClient client = JdkClient.connect(port, "/echo")) {
                client.sendText("ping " + name);
                assertEquals("ping " + name, client.next().text());
            }
            process.destroy();
            assertTrue(process.waitFor(15, TimeUnit.SECONDS), name + " did not stop on SIGTERM");
            assertEquals(143, process.exitValue(), "exit status after SIGTERM (128 + 15)");
        } finally {
            process.destroyForcibly();
        }
    }

    private static String readLine(BufferedReader reader) {
        try {
            return reader.readLine();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
