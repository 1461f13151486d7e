package dev.duplex.examples;

import dev.duplex.net.WebSocketServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client example against the echo server example, over a real connection. */
@Timeout(30)
class HelloClientTest {
    @Test
    void helloClientGetsItsEchoFromTheEchoServerAndClosesCleanly() throws Exception {
        try (WebSocketServer server = EchoServer.start("127.0.0.1", 0)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            String url = "ws://127.0.0.1:" + server.port() + "/echo";
            HelloClient.run(url, new PrintStream(out, true, StandardCharsets.UTF_8));
            String printed = out.toString(StandardCharsets.UTF_8);
            assertTrue(printed.contains("open: " + url), printed);
            assertTrue(printed.contains("received: Hello Server!"), printed);
            assertTrue(printed.contains("closed: 1000 clean=true"), printed);
        }
    }

    @Test
    void mainTakesTheUrlAsItsArgument() throws Exception {
        try (WebSocketServer server = EchoServer.start("127.0.0.1", 0)) {
            PrintStream saved = System.out;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            try {
                HelloClient.main(new String[] {"ws://127.0.0.1:" + server.port() + "/echo"});
            } finally {
                System.setOut(saved);
            }
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("received: Hello Server!"), out::toString);
        }
    }
}
