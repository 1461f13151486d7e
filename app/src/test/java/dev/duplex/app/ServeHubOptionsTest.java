package dev.duplex.app;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The serve options of the hub's hardening: --accept-empty-store, --require-token-exp, and their metrics. */
@Timeout(60)
class ServeHubOptionsTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef-test-only";
    private final HttpClient http = HttpClient.newHttpClient();

    private static int serve(ByteArrayOutputStream log, String... args) {
        ServeCommand command = new ServeCommand();
        command.log = new PrintStream(log, true, StandardCharsets.UTF_8);
        List<String> all = new java.util.ArrayList<>(List.of("--port", "0", "--host", "127.0.0.1", "--no-demo",
                "--exit-after-start"));
        all.addAll(List.of(args));
        return new CommandLine(command).execute(all.toArray(String[]::new));
    }

    @Test
    void aDeletedStoreStopsServeWithOneLineUnlessAccepted(@TempDir Path data) throws Exception {
        try (Serving s = ServeCommandTest.start("--data", data.toString(), "--no-demo")) {
            s.hub().publish("log", "1").get(10, TimeUnit.SECONDS);
        }
        Files.delete(data.resolve("hub.mv.db"));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        assertEquals(1, serve(log, "--data", data.toString()));
        String logged = log.toString(StandardCharsets.UTF_8);
        List<String> stopped = logged.lines().filter(l -> l.startsWith("duplex serve: stopped: ")).toList();
        assertEquals(1, stopped.size(), logged); // one line: what, which file, and the flag that accepts it
        assertTrue(stopped.get(0).startsWith("duplex serve: stopped: the hub store " + data.resolve("hub.mv.db")),
                logged);
        assertTrue(stopped.get(0).contains("--accept-empty-store"), logged);

        assertEquals(0, serve(new ByteArrayOutputStream(), "--data", data.toString(), "--accept-empty-store"));
        try (Serving s = ServeCommandTest.start("--data", data.toString(), "--no-demo")) {
            assertTrue(s.hub().publish("log", "2").get(10, TimeUnit.SECONDS).seq() > 1);
        }
    }

    @Test
    void redisExcludesTheLocalStoresAndAnUnreachableRedisStopsServeWithOneLine() throws Exception {
        assertThrows(CommandLine.ParameterException.class,
                () -> ServeCommandTest.start("--redis", "redis://127.0.0.1:6379", "--memory"));
        assertThrows(CommandLine.ParameterException.class,
                () -> ServeCommandTest.start("--redis", "redis://127.0.0.1:6379", "--data", "x"));
        assertThrows(CommandLine.ParameterException.class,
                () -> ServeCommandTest.start("--redis", "http://127.0.0.1:6379"));
        CommandLine.ParameterException noMaster = assertThrows(CommandLine.ParameterException.class,
                () -> ServeCommandTest.start("--redis", "redis-sentinel://127.0.0.1:26379"));
        assertTrue(noMaster.getMessage().contains("sentinelMasterId"), noMaster.getMessage());
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort(); // nothing listens there once this socket is closed
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        assertEquals(1, serve(log, "--redis", "redis://127.0.0.1:" + closedPort));
        String logged = log.toString(StandardCharsets.UTF_8);
        List<String> stopped = logged.lines().filter(l -> l.startsWith("duplex serve: stopped: ")).toList();
        assertEquals(1, stopped.size(), logged);
        assertTrue(stopped.get(0).contains("cannot connect to Redis at 127.0.0.1:" + closedPort), logged);
    }

    @Test
    void requireTokenExpNeedsASecretAndRefusesTokensWithoutExp() throws Exception {
        assertThrows(CommandLine.ParameterException.class,
                () -> ServeCommandTest.start("--memory", "--require-token-exp"));
        try (Serving s = ServeCommandTest.start("--memory", "--no-demo", "--token-secret", SECRET,
                "--require-token-exp")) {
            String noExp = JWT.create().withClaim("name", "x").sign(Algorithm.HMAC256(SECRET));
            assertEquals(401, handshakeStatus(s.wsBase() + "/hub?token=" + noExp));
            assertEquals(401, handshakeStatus(s.wsBase() + "/echo"));
            String withExp = JWT.create().withExpiresAt(Instant.now().plusSeconds(600)).sign(Algorithm.HMAC256(SECRET));
            WebSocket ws = http.newWebSocketBuilder()
                    .buildAsync(URI.create(s.wsBase() + "/echo?token=" + withExp), new WebSocket.Listener() { })
                    .get(10, TimeUnit.SECONDS);
            ws.sendClose(1000, "").get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theNewHubMetricsAreServed() throws Exception {
        try (Serving s = ServeCommandTest.start("--memory", "--no-demo")) {
            Map<String, Double> m = PrometheusParser.parse(http.send(
                    HttpRequest.newBuilder(URI.create(s.httpBase() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()));
            for (String name : List.of("duplex_hub_topics_reclaimed_total", "duplex_hub_topic_creations_refused_total",
                    "duplex_hub_token_expiries_closed_total")) {
                assertEquals(0.0, m.get(name), name + " in " + m.keySet());
            }
        }
    }

    private int handshakeStatus(String uri) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> http.newWebSocketBuilder()
                .buildAsync(URI.create(uri), new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS));
        return assertInstanceOf(WebSocketHandshakeException.class, e.getCause()).getResponse().statusCode();
    }
}
