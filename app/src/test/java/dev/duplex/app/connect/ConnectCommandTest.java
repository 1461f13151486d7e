package dev.duplex.app.connect;

import dev.duplex.core.handshake.HttpRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.io.PipedInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.PipedOutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code duplex connect} run in-process against a real duplex server on 127.0.0.1, not at a terminal. */
@Timeout(60)
class ConnectCommandTest {
    private final TestServer server = new TestServer();

    ConnectCommandTest() throws Exception {
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void execPrintsTheAnswerAloneOnStdoutAndExits0() {
        Run run = Run.piped("", "--exec", "hello, server", server.url("/echo"));
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("hello, server\n", run.out().replace("\r\n", "\n"), run::toString);
        assertTrue(run.err().contains("connected to " + server.url("/echo")), run::toString);
        assertTrue(run.err().contains("closed: 1000"), run::toString);
        assertFalse(run.hasAnsi(), "no ANSI codes when not at a terminal");
    }

    @Test
    void pipedLinesAreSentInOrderAndTheSessionClosesAtEndOfInput() {
        Run run = Run.piped("one\ntwo\n//slash\n/binary 01 02 ff\n/ping hi\nthree\n", server.url("/echo"));
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals(List.of("one", "two", "/slash", "0102ff", "three"), run.outLines(), run::toString);
        assertTrue(run.err().contains("pong after"), run::toString);
        assertTrue(run.err().contains("closed: 1000"), run::toString);
        assertFalse(run.hasAnsi());
    }

    @Test
    void binaryMessagesCanBePrintedAsBase64() {
        Run run = Run.piped("/binary 00ff10\n", "--binary", "BASE64", server.url("/echo"));
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals(List.of("AP8Q"), run.outLines(), run::toString);
    }

    @Test
    void headersSubprotocolsAndCompressionReachTheServer() throws Exception {
        Run run = Run.piped("hi\n", "-H", "Authorization: Bearer t0ken", "--header", "X-Trace:7",
                "--subprotocol", "chat.v2", "-s", "chat.v1", "--compress", server.url("/echo"));
        assertEquals(0, run.exitCode(), run::toString);
        HttpRequest request = server.echoRequest.get(10, TimeUnit.SECONDS);
        assertEquals("Bearer t0ken", request.headers().first("Authorization"));
        assertEquals("7", request.headers().first("X-Trace"));
        assertEquals("chat.v2, chat.v1", request.headers().first("Sec-WebSocket-Protocol"));
        assertEquals("chat.v1", server.echoSubprotocol.get(10, TimeUnit.SECONDS));
        assertTrue(run.err().contains("subprotocol: chat.v1"), run::toString);
        assertTrue(run.err().contains("extensions: permessage-deflate"), run::toString);
        assertEquals(List.of("hi"), run.outLines());
    }

    @Test
    void echoModeSendsEverythingBackAndKeepsGoingAfterEndOfInput() throws Exception {
        Run run = Run.piped("", "--echo", server.url("/push"));
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals(List.of("first", "second"), run.outLines(), run::toString);
        assertEquals("first", server.pushReceived.poll(10, TimeUnit.SECONDS));
        assertEquals("second", server.pushReceived.poll(10, TimeUnit.SECONDS));
        assertTrue(run.err().contains("closed: 1000 done"), run::toString);
    }

    @Test
    void prettyIndentsJsonAndKeepsNumbersAsWritten() {
        Run run = Run.piped("give\n", "--pretty", server.url("/json"));
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals(String.join("\n",
                "{",
                "  \"name\": \"duplex\",",
                "  \"n\": 1.50,",
                "  \"tags\": [ \"ws\", true, null ],",
                "  \"nested\": { }",
                "}", ""), run.out().replace("\r\n", "\n"), run::toString);
    }

    @Test
    void refusedConnectionExits3() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Run run = Run.piped("", "--exec", "x", "ws://127.0.0.1:" + port + "/");
        assertEquals(3, run.exitCode(), run::toString);
        assertTrue(run.err().contains("could not connect to ws://127.0.0.1:" + port), run::toString);
        assertEquals("", run.out());
    }

    @Test
    void rejectedHandshakeExits3WithTheHttpStatus() {
        Run run = Run.piped("", server.url("/reject"));
        assertEquals(3, run.exitCode(), run::toString);
        assertTrue(run.err().contains("rejected the handshake with HTTP 403"), run::toString);
    }

    @Test
    void serverCloseWithAnotherCodeExits1WithCodeAndReason() {
        Run run = Run.piped("please stop\n", "--echo", server.url("/close4001"));
        assertEquals(1, run.exitCode(), run::toString);
        assertTrue(run.err().contains("the server closed the connection with 4001 maintenance"), run::toString);
    }

    @Test
    void closeCommandWithACodeIsACleanCloseOfOurs() {
        Run run = Run.piped("/close 4000 bye\nnot sent\n", server.url("/echo"));
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.out(), run::toString);
        assertTrue(run.err().contains("closed: 4000"), run::toString);
    }

    @Test
    void badCommandsAreReportedAndNothingIsSent() {
        Run run = Run.piped("/nope\n/close 1001\n/binary xyz\nok\n", server.url("/echo"));
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals(List.of("ok"), run.outLines(), run::toString);
        assertTrue(run.err().contains("unknown command /nope"), run::toString);
        assertTrue(run.err().contains("not 1001"), run::toString);
        assertTrue(run.err().contains("/binary takes hex digits"), run::toString);
    }

    @Test
    void execWithoutAnswerTimesOutWithExit4() {
        Run run = Run.piped("", "--exec", "anyone?", "--wait", "0.5", server.url("/silent"));
        assertEquals(4, run.exitCode(), run::toString);
        assertTrue(run.err().contains("no answer within 0.5 s"), run::toString);
    }

    @Test
    void linesTypedWhileConnectedAreSentAsTheyCome() throws Exception {
        PipedOutputStream typing = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(typing);
        CompletableFuture<Run> run = CompletableFuture.supplyAsync(() -> Run.of(stdin, false, server.url("/echo")));
        server.echoRequest.get(10, TimeUnit.SECONDS);
        typing.write("later\n".getBytes(StandardCharsets.UTF_8));
        typing.flush();
        assertFalse(run.isDone(), "still connected while input is open");
        typing.close();
        Run done = run.get(30, TimeUnit.SECONDS);
        assertEquals(0, done.exitCode(), done::toString);
        assertEquals(List.of("later"), done.outLines(), done::toString);
    }

    /** The hub's case: a greeting arrives first, and the answer comes later than other messages. */
    @Test
    void execPrintsTheAnswerWithItsRequestsIdNotTheGreetingOrAnEvent() {
        Run byId = Run.piped("", "--exec", "{\"type\":\"ping\",\"id\":\"7\"}", server.url("/greet"));
        assertEquals(0, byId.exitCode(), byId::toString);
        assertEquals(List.of("{\"type\":\"reply\",\"id\":\"7\"}"), byId.outLines(), byId::toString);
    }

    /** The greeting arrived before the line was sent, so the session waits for the (late) answer to the line. */
    @Test
    void aGreetingDoesNotCountAsTheAnswerToAPipedLine() throws Exception {
        PipedOutputStream typing = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(typing);
        CompletableFuture<Void> greeted = new CompletableFuture<>();
        StringWriter out = new StringWriter() {
            @Override
            public void flush() {
                super.flush();
                if (toString().contains("welcome")) {
                    greeted.complete(null);
                }
            }
        };
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new ConnectCommand(stdin, false));
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> cmd.execute(server.url("/greet")));
        greeted.get(10, TimeUnit.SECONDS);
        typing.write("one\n".getBytes(StandardCharsets.UTF_8));
        typing.close();
        Run run = new Run(code.get(30, TimeUnit.SECONDS), out.toString(), err.toString());
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals(List.of("{\"type\":\"welcome\"}", "re: one"), run.outLines(), run::toString);
    }

    @Test
    void declinedSubprotocolAndCompressionAreSaid() {
        Run run = Run.piped("", "-s", "chat.v9", "-s", "chat.v8", "--compress", server.url("/silent"));
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.err().contains("subprotocol: none accepted by the server (offered chat.v9, chat.v8)"),
                run::toString);
        assertTrue(run.err().contains("compression: not accepted by the server"), run::toString);
        Run accepted = Run.piped("", "-s", "chat.v1", "--compress", server.url("/echo"));
        assertFalse(accepted.err().contains("not accepted"), accepted::toString);
        assertFalse(accepted.err().contains("none accepted"), accepted::toString);
    }

    @Test
    void usageErrorsExit2() {
        assertEquals(2, Run.piped("", "--exec", "x", "--echo", server.url("/echo")).exitCode());
        assertEquals(2, Run.piped("", "-H", "no colon here", server.url("/echo")).exitCode());
        assertEquals(2, Run.piped("", "-H", "Sec-WebSocket-Key: x", server.url("/echo")).exitCode());
        assertEquals(2, Run.piped("", "http://127.0.0.1:1/").exitCode());
        assertEquals(2, Run.piped("", "--binary", "octal", server.url("/echo")).exitCode());
        assertEquals(2, Run.piped("").exitCode(), "the URL is required");
    }
}
