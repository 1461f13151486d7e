package dev.duplex.net.interop;

import dev.duplex.net.WebSocketServer;
import dev.duplex.testkit.Json;
import dev.duplex.testkit.Payloads;
import dev.duplex.testkit.PeerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real client library (Node's ws or Python's websockets, run by {@link PeerProcess}) against our {@link
 * WebSocketServer}'s echo endpoint ({@link RecordingEcho}). Every test checks both sides: what the client printed
 * as JSON events and what our endpoint saw. Neither client script can send a fragmented message, so fragmentation
 * is not covered here (ServerInteropTest covers it with the JDK client).
 */
abstract class PeerClientInteropTest {
    static final Duration EVENT_TIMEOUT = Duration.ofSeconds(30);
    static final int SIXTEEN_MIB = 16 << 20;

    @TempDir
    Path tmp;

    WebSocketServer server;
    final RecordingEcho echo = new RecordingEcho();

    /** Starts the peer client against {@code url}. */
    abstract PeerProcess client(URI url, String... argsAndSteps);

    /** The options that make this client offer permessage-deflate. */
    abstract String[] offerDeflate();

    @BeforeEach
    void startServer() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                .endpoint("/echo", echo).build().start();
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop();
        }
    }

    URI url(String id) {
        return URI.create("ws://127.0.0.1:" + server.port() + "/echo?id=" + id);
    }

    /** Waits for the client to exit by itself and returns all its events; asserts the exit status. */
    static List<Map<String, Object>> eventsUntilExit(PeerProcess peer, int expectedExit) {
        int exit = peer.waitForExit(Duration.ofSeconds(60));
        List<Map<String, Object>> events = new ArrayList<>();
        for (String line : peer.readRemainingLines(Duration.ofSeconds(10))) {
            events.add(Json.parseObject(line));
        }
        assertEquals(expectedExit, exit, () -> peer.describe("unexpected exit status; events " + events));
        return events;
    }

    static List<Map<String, Object>> ofKind(List<Map<String, Object>> events, String kind) {
        return events.stream().filter(e -> kind.equals(e.get("event"))).collect(Collectors.toList());
    }

    static Map<String, Object> only(List<Map<String, Object>> events, String kind) {
        List<Map<String, Object>> found = ofKind(events, kind);
        assertEquals(1, found.size(), () -> "exactly one '" + kind + "' event in " + events);
        return found.get(0);
    }

    static long num(Map<String, Object> event, String key) {
        return ((Number) event.get(key)).longValue();
    }

    static void assertNoErrors(List<Map<String, Object>> events) {
        assertTrue(ofKind(events, "error").isEmpty(), () -> "client errors: " + events);
    }

    @Test
    void echoesTextIncludingNonAsciiAndBinary() throws Exception {
        String text = "héllo wörld ✓ 😀 — ünïcødé";
        // steps from a UTF-8 file: command-line arguments would depend on the platform's locale
        Path script = Files.writeString(tmp.resolve("steps.txt"),
                "text " + text + "\nbinary-hex 00ff7f80fe01\nwait 2\nclose 1000 done\n", StandardCharsets.UTF_8);
        try (PeerProcess peer = client(url("basic"), "--script", script.toString())) {
            List<Map<String, Object>> events = eventsUntilExit(peer, 0);
            assertNoErrors(events);
            List<Map<String, Object>> messages = ofKind(events, "message");
            assertEquals(2, messages.size(), () -> "two echoes in " + events);
            assertEquals("text", messages.get(0).get("type"));
            assertEquals(text, messages.get(0).get("data"));
            assertEquals((long) text.getBytes(StandardCharsets.UTF_8).length, num(messages.get(0), "length"));
            assertEquals("binary", messages.get(1).get("type"));
            assertEquals("00ff7f80fe01", messages.get(1).get("hex"));
            Map<String, Object> close = only(events, "close");
            assertEquals(1000L, num(close, "code"));
            assertEquals(true, close.get("clean"));
        }
        assertEquals(List.of(
                        new RecordingEcho.Received("text", text.getBytes(StandardCharsets.UTF_8).length,
                                Payloads.sha256(text)),
                        new RecordingEcho.Received("binary", 6,
                                Payloads.sha256(HexFormat.of().parseHex("00ff7f80fe01")))),
                echo.received("basic"), "what our server received");
        RecordingEcho.Closed closed = echo.awaitClose("basic", EVENT_TIMEOUT);
        assertEquals(new RecordingEcho.Closed(1000, "done", true), closed);
    }

    @Test
    void echoesSixteenMebibyteTextAndBinary() throws Exception {
        try (PeerProcess peer = client(url("big"), "--timeout-ms", "90000",
                "text-size " + SIXTEEN_MIB, "binary-size " + SIXTEEN_MIB, "wait 2", "close 1000")) {
            List<Map<String, Object>> events = eventsUntilExit(peer, 0);
            assertNoErrors(events);
            List<Map<String, Object>> messages = ofKind(events, "message");
            assertEquals(2, messages.size(), () -> "two echoes in " + events);
            String textSha = Payloads.sha256(Payloads.text(SIXTEEN_MIB));
            String binarySha = Payloads.sha256(Payloads.binary(SIXTEEN_MIB));
            assertEquals("text", messages.get(0).get("type"));
            assertEquals((long) SIXTEEN_MIB, num(messages.get(0), "length"));
            assertEquals(textSha, messages.get(0).get("sha256"));
            assertEquals("binary", messages.get(1).get("type"));
            assertEquals((long) SIXTEEN_MIB, num(messages.get(1), "length"));
            assertEquals(binarySha, messages.get(1).get("sha256"));
            assertEquals(List.of(new RecordingEcho.Received("text", SIXTEEN_MIB, textSha),
                    new RecordingEcho.Received("binary", SIXTEEN_MIB, binarySha)), echo.received("big"));
        }
        assertTrue(echo.awaitClose("big", EVENT_TIMEOUT).wasClean());
    }

    @Test
    void answersTheClientsPingWithAPong() throws Exception {
        // the text after the ping is echoed after the pong, so "wait 1" orders the close after the pong
        try (PeerProcess peer = client(url("ping"), "ping are-you-there", "text after ping", "wait 1",
                "close 1000")) {
            List<Map<String, Object>> events = eventsUntilExit(peer, 0);
            assertNoErrors(events);
            Map<String, Object> pong = only(events, "pong");
            assertEquals("are-you-there", pong.get("data"));
            assertEquals("after ping", only(events, "message").get("data"));
        }
    }

    @Test
    void clientInitiatedCloseCarriesCodeAndReason() throws Exception {
        try (PeerProcess peer = client(url("client-close"), "text hi", "wait 1", "close 4000 bye from the client")) {
            List<Map<String, Object>> events = eventsUntilExit(peer, 0);
            assertNoErrors(events);
            Map<String, Object> close = only(events, "close");
            assertEquals(4000L, num(close, "code"), "our server echoes the client's code");
            assertEquals(true, close.get("clean"));
        }
        assertEquals(new RecordingEcho.Closed(4000, "bye from the client", true),
                echo.awaitClose("client-close", EVENT_TIMEOUT));
    }

    @Test
    void serverInitiatedCloseReachesTheClient() throws Exception {
        // no close step: the client waits for the server to close
        try (PeerProcess peer = client(url("server-close"), "text __close 4001 server bye")) {
            List<Map<String, Object>> events = eventsUntilExit(peer, 0);
            assertNoErrors(events);
            Map<String, Object> close = only(events, "close");
            assertEquals(4001L, num(close, "code"));
            assertEquals("server bye", close.get("reason"));
            assertEquals(true, close.get("clean"));
        }
        assertEquals(new RecordingEcho.Closed(4001, "server bye", true),
                echo.awaitClose("server-close", EVENT_TIMEOUT));
    }

    @Test
    void serverDroppingTheConnectionIsAnAbnormalCloseForTheClient() throws Exception {
        try (PeerProcess peer = client(url("terminate"), "text __terminate")) {
            List<Map<String, Object>> events = eventsUntilExit(peer, 1);
            Map<String, Object> close = only(events, "close");
            assertEquals(1006L, num(close, "code"));
            assertEquals(false, close.get("clean"));
        }
        RecordingEcho.Closed closed = echo.awaitClose("terminate", EVENT_TIMEOUT);
        assertEquals(1006, closed.code());
        assertFalse(closed.wasClean());
    }

    @Test
    void killedClientIsReportedAs1006() throws Exception {
        // no close step: the client waits for the server, until we kill it
        try (PeerProcess peer = client(url("killed"), "text still here", "wait 1")) {
            assertEquals("open", peer.readJson(EVENT_TIMEOUT).get("event"));
            Map<String, Object> message = peer.readJson(EVENT_TIMEOUT);
            assertEquals("still here", message.get("data"), () -> "the echo, got " + message);
            assertFalse(echo.close("killed").isDone(), "still open before the kill");
            ProcessHandle.of(peer.pid()).ifPresent(ProcessHandle::destroyForcibly); // SIGKILL, no close frame
            RecordingEcho.Closed closed = echo.awaitClose("killed", EVENT_TIMEOUT);
            assertEquals(1006, closed.code());
            assertFalse(closed.wasClean());
            assertEquals("", closed.reason());
        }
    }

    @Test
    void permessageDeflateOfferIsDeclinedAndMessagesFlowUncompressed() throws Exception {
        List<String> args = new ArrayList<>(List.of(offerDeflate()));
        args.addAll(List.of("text compress me? no", "binary-size 100000", "wait 2", "close 1000"));
        try (PeerProcess peer = client(url("deflate"), args.toArray(String[]::new))) {
            List<Map<String, Object>> events = eventsUntilExit(peer, 0);
            assertNoErrors(events);
            assertEquals("", only(events, "open").get("extensions"), "no extension negotiated");
            List<Map<String, Object>> messages = ofKind(events, "message");
            assertEquals(2, messages.size(), () -> "two echoes in " + events);
            assertEquals("compress me? no", messages.get(0).get("data"));
            assertEquals(Payloads.sha256(Payloads.binary(100000)), messages.get(1).get("sha256"));
        }
        assertTrue(echo.errors.isEmpty(), () -> "server errors: " + echo.errors);
        assertTrue(echo.awaitClose("deflate", EVENT_TIMEOUT).wasClean());
    }
}
