package dev.duplex.app;

import dev.duplex.testkit.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code duplex serve} end to end over HTTP and WebSocket, driven by the JDK's own clients. */
@Timeout(60)
class ServeCommandTest {
    private final HttpClient http = HttpClient.newHttpClient();

    static Serving start(String... args) throws Exception {
        ServeCommand command = new ServeCommand();
        List<String> all = new ArrayList<>(List.of("--port", "0", "--host", "127.0.0.1"));
        all.addAll(List.of(args));
        new CommandLine(command).parseArgs(all.toArray(String[]::new));
        return command.start();
    }

    private HttpResponse<String> get(Serving s, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(s.httpBase() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void hubWelcomesAndTheDemoFeedPublishesAsTheServer() throws Exception {
        try (Serving s = start("--memory", "--demo-interval", "20");
             JdkHubClient c = JdkHubClient.connect(http, URI.create(s.wsBase() + "/hub?name=tester"))) {
            assertEquals("tester", c.next("welcome").get("name"));
            c.send("{\"type\":\"subscribe\",\"id\":\"s1\",\"topic\":\"live.demo\"}");
            assertEquals("s1", c.next("subscribed").get("id"));
            Map<String, Object> m = c.next("message");
            assertEquals("live.demo", m.get("topic"));
            assertEquals("server", ((Map<?, ?>) m.get("from")).get("session"));
            double value = ((Number) ((Map<?, ?>) m.get("data")).get("value")).doubleValue();
            assertTrue(value >= 0 && value <= 100);
        }
    }

    @Test
    void echoAndBroadcastComeWithTheHub() throws Exception {
        try (Serving s = start("--memory", "--no-demo");
             JdkHubClient echo = JdkHubClient.connect(http, URI.create(s.wsBase() + "/echo"))) {
            echo.send("{\"type\":\"hello\"}");
            assertEquals(Map.of("type", "hello"), echo.next("hello"));
            try (JdkHubClient a = JdkHubClient.connect(http, URI.create(s.wsBase() + "/broadcast/room1"))) {
                a.send("{\"type\":\"to-all\"}");
                assertEquals("to-all", a.next("to-all").get("type"), "the sender gets its own broadcast");
            }
        }
    }

    @Test
    void healthzAnswersOkJson() throws Exception {
        try (Serving s = start("--memory", "--no-demo")) {
            HttpResponse<String> r = get(s, "/healthz");
            assertEquals(200, r.statusCode());
            assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
            assertEquals(Map.of("status", "ok"), Json.parseObject(r.body()));
        }
    }

    @Test
    void metricsAreValidPrometheusTextAndCountersMove() throws Exception {
        try (Serving s = start("--memory", "--no-demo")) {
            Map<String, Double> before = PrometheusParser.parse(get(s, "/metrics"));
            for (String name : List.of("duplex_connections_open", "duplex_sessions_open",
                    "duplex_connections_accepted_total", "duplex_messages_in_total", "duplex_messages_out_total",
                    "duplex_bytes_in_total", "duplex_bytes_out_total", "duplex_queued_bytes",
                    "duplex_http_requests_total", "duplex_errors_total", "duplex_hub_connections",
                    "duplex_hub_topics", "duplex_hub_published_total", "duplex_hub_delivered_total",
                    "duplex_hub_stored_total", "duplex_hub_replayed_total", "duplex_hub_errors_total",
                    "duplex_hub_slow_consumers_closed_total")) {
                assertTrue(before.containsKey(name), "metric " + name + " in " + before.keySet());
            }
            try (JdkHubClient c = JdkHubClient.connect(http, URI.create(s.wsBase() + "/hub?name=m"))) {
                c.next("welcome");
                c.send("{\"type\":\"subscribe\",\"id\":\"s1\",\"topic\":\"t\"}");
                c.next("subscribed");
                for (int i = 0; i < 3; i++) {
                    c.send("{\"type\":\"publish\",\"id\":\"p" + i + "\",\"topic\":\"t\",\"data\":" + i
                            + ",\"ack\":true}");
                    c.next("ack");
                }
                Map<String, Double> during = PrometheusParser.parse(get(s, "/metrics"));
                assertEquals(1.0, during.get("duplex_hub_connections"));
                assertEquals(1.0, during.get("duplex_sessions_open"));
                assertTrue(during.get("duplex_messages_in_total") >= before.get("duplex_messages_in_total") + 4,
                        "subscribe + 3 publishes counted in: " + during);
                assertTrue(during.get("duplex_hub_published_total") >= before.get("duplex_hub_published_total") + 3);
                assertTrue(during.get("duplex_bytes_out_total") > before.get("duplex_bytes_out_total"));
                assertTrue(during.get("duplex_http_requests_total") > before.get("duplex_http_requests_total"));
            }
        }
    }

    @Test
    void aStaticDirectoryReplacesThePagesButKeepsDuplexJs(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("index.html"), "<!doctype html><title>mine</title>");
        try (Serving s = start("--memory", "--no-demo", "--static", dir.toString())) {
            HttpResponse<String> index = get(s, "/");
            assertEquals(200, index.statusCode());
            assertEquals("<!doctype html><title>mine</title>", index.body());
            assertEquals(404, get(s, "/live.html").statusCode(), "the built-in pages are not served");
            HttpResponse<String> js = get(s, "/duplex.js");
            assertEquals(200, js.statusCode());
            assertTrue(js.headers().firstValue("Content-Type").orElseThrow().startsWith("text/javascript"));
            assertTrue(js.body().contains("export function connect("));
            assertEquals(200, get(s, "/healthz").statusCode());
        }
    }

    @Test
    void theBuiltInPagesAreServed() throws Exception {
        try (Serving s = start("--memory", "--no-demo")) {
            for (String path : List.of("/", "/live.html", "/duplex.js", "/chat.js", "/live.js", "/style.css")) {
                assertEquals(200, get(s, path).statusCode(), path);
            }
            assertTrue(get(s, "/").body().contains("id=\"messages\""));
        }
    }

    @Test
    void messagesSurviveARestartWithADataDirectory(@TempDir Path data) throws Exception {
        try (Serving s = start("--data", data.toString(), "--no-demo");
             JdkHubClient c = JdkHubClient.connect(http, URI.create(s.wsBase() + "/hub"))) {
            c.send("{\"type\":\"publish\",\"id\":\"p1\",\"topic\":\"keep\",\"data\":\"one\",\"ack\":true}");
            assertEquals(1L, c.next("ack").get("seq"));
        }
        try (Serving s = start("--data", data.toString(), "--no-demo");
             JdkHubClient c = JdkHubClient.connect(http, URI.create(s.wsBase() + "/hub"))) {
            c.send("{\"type\":\"subscribe\",\"id\":\"s1\",\"topic\":\"keep\",\"history\":5}");
            assertEquals(1L, c.next("subscribed").get("seq"));
            assertEquals("one", c.next("message").get("data"));
        }
    }

    @Test
    void servesHttpsAndWssWithPemFiles() throws Exception {
        Path cert = resource("rsa-cert.pem");
        Path key = resource("rsa-key.pem");
        try (Serving s = start("--memory", "--no-demo", "--tls-cert", cert.toString(), "--tls-key", key.toString())) {
            assertTrue(s.httpBase().startsWith("https://"));
            HttpClient trusting = HttpClient.newBuilder().sslContext(trustingContext()).build();
            HttpResponse<String> r = trusting.send(HttpRequest.newBuilder(URI.create(s.httpBase() + "/healthz"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            try (JdkHubClient c = JdkHubClient.connect(trusting, URI.create(s.wsBase() + "/hub?name=tls"))) {
                assertEquals("tls", c.next("welcome").get("name"));
            }
        }
    }

    @Test
    void theBannerListsTheUrls() throws Exception {
        try (Serving s = start("--memory", "--no-demo")) {
            String banner = s.banner();
            String base = "http://127.0.0.1:" + s.port();
            for (String url : List.of(base + "/", base + "/live.html", base + "/healthz", base + "/metrics",
                    "ws://127.0.0.1:" + s.port() + "/hub")) {
                assertTrue(banner.contains(url), url + " in\n" + banner);
            }
            assertTrue(banner.contains("storage: memory"));
        }
    }

    @Test
    void inconsistentOptionsAreRefusedBeforeAnythingStarts() {
        assertThrows(CommandLine.ParameterException.class, () -> start("--tls-cert", "c.pem"));
        assertThrows(CommandLine.ParameterException.class, () -> start("--memory", "--data", "d"));
        assertThrows(CommandLine.ParameterException.class, () -> start("--memory", "--token-secret", "short"));
        assertThrows(CommandLine.ParameterException.class, () -> start("--memory", "--static", "/no/such/dir"));
        assertThrows(CommandLine.ParameterException.class, () -> start("--memory", "--demo-interval", "1"));
        assertThrows(CommandLine.ParameterException.class, () -> start("--memory", "--demo-topic", "no spaces"));
    }

    @Test
    void everyCommandHasHelp() {
        StringWriter out = new StringWriter();
        int code = new CommandLine(new Duplex()).setOut(new PrintWriter(out)).execute("serve", "--help");
        assertEquals(0, code);
        for (String option : List.of("--port", "--host", "--static", "--data", "--memory", "--tls-cert",
                "--tls-key", "--token-secret", "--demo-topic", "--no-demo", "--[no-]compress", "--max-message-size",
                "--idle-timeout", "--ping-interval", "--pong-timeout", "--log-level", "--access-log", "Exit codes:")) {
            assertTrue(out.toString().contains(option), option + " in\n" + out);
        }
    }

    @Test
    void errorsAreLoggedOneLineEach() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ServeCommand command = new ServeCommand();
        new CommandLine(command).parseArgs("--port", "0", "--host", "127.0.0.1", "--memory", "--no-demo");
        command.log = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Serving ignored = command.start()) { // logError is the server's and the hub's error handler
            command.logError(new IllegalStateException("boom\nsecond line"));
        }
        String logged = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(1, logged.lines().count(), logged);
        assertTrue(logged.contains(" WARN dev.duplex.app.serve: error: java.lang.IllegalStateException: boom second"
                + " line"), logged);
    }

    @Test
    void aStoreThatCannotBeOpenedStopsServeWithExitCode1(@TempDir Path data) throws Exception {
        Files.writeString(data.resolve("hub.mv.db"), "not an H2 database ".repeat(300), StandardCharsets.UTF_8);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ServeCommand command = new ServeCommand();
        command.log = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int code = new CommandLine(command).execute("--port", "0", "--host", "127.0.0.1", "--no-demo",
                "--data", data.toString());
        assertEquals(1, code);
        String logged = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(logged.contains("duplex serve: stopped: cannot open the hub store in " + data), logged);
        // everything was released: the same folder serves once the file is fixed
        Files.delete(data.resolve("hub.mv.db"));
        try (Serving s = start("--data", data.toString(), "--no-demo")) {
            s.hub().ready().get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(200, get(s, "/healthz").statusCode());
        }
    }

    /** The hidden option the ./duplex launcher's class-data training run uses. */
    @Test
    void exitAfterStartServesThenStopsWithZero(@TempDir Path data) throws Exception {
        ByteArrayOutputStream banner = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        int code;
        try {
            System.setOut(new PrintStream(banner, true, StandardCharsets.UTF_8));
            code = Duplex.commandLineFor("serve").execute("serve", "--port", "0", "--host", "127.0.0.1",
                    "--data", data.toString(), "--exit-after-start");
        } finally {
            System.setOut(stdout);
        }
        assertEquals(0, code);
        String printed = banner.toString(StandardCharsets.UTF_8);
        assertTrue(printed.startsWith("duplex serve: listening on http://127.0.0.1:"), printed);
        assertTrue(Files.exists(data.resolve("hub.mv.db")), "the store was opened");
        // it stopped: the folder's lock is free again
        try (Serving s = start("--data", data.toString(), "--no-demo")) {
            s.hub().ready().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        StringWriter help = new StringWriter();
        new CommandLine(new Duplex()).setOut(new PrintWriter(help)).execute("serve", "--help");
        assertTrue(!help.toString().contains("--exit-after-start"), "hidden from --help");
    }

    private static Path resource(String name) throws Exception {
        return Path.of(ServeCommandTest.class.getResource("/tls/" + name).toURI());
    }

    private static SSLContext trustingContext() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = ServeCommandTest.class.getResourceAsStream("/tls/truststore.p12")) {
            trust.load(in, "changeit".toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
