package dev.duplex.net;

import dev.duplex.net.examples.HelloClient;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the example client against an echo peer and checks what it printed. */
@Timeout(30)
class HelloClientTest {
    @Test
    void exampleSendsHelloPrintsTheEchoAndCloses() throws Exception {
        try (RawServer server = new RawServer()) {
            CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> {
                try {
                    RawPeer peer = server.accept();
                    peer.acceptUpgrade();
                    String text = peer.readFrame().text();
                    peer.writeText("echo: " + text);
                    RawPeer.Frame close = peer.readFrame();
                    peer.writeClose(close.closeCode(), "");
                    peer.close();
                    return text;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            HelloClient.run(server.url("/"), new PrintStream(out, true, StandardCharsets.UTF_8));
            assertEquals("Hello Server!", received.get());
            String printed = out.toString(StandardCharsets.UTF_8);
            assertTrue(printed.contains("received: echo: Hello Server!"), printed);
            assertTrue(printed.contains("closed: 1000"), printed);
        }
    }
}
