package dev.duplex.net;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Like the server, the client answers the messages that arrived before a protocol violation before it fails the
 * connection, even when the violation comes in the same read and the application answers on another thread
 * (as {@code duplex connect --echo} does).
 */
@Timeout(30)
class ClientAnswersBeforeViolationTest {

    /** A final unmasked text frame, as a server sends it. */
    private static byte[] text(String s) {
        byte[] p = s.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(0x81);
        f.write(p.length);
        f.writeBytes(p);
        return f.toByteArray();
    }

    /** Opcode 3 is reserved (RFC 6455 5.2): the client must fail the connection with 1002. */
    private static final byte[] RESERVED_OPCODE_FRAME = {(byte) 0x83, 0x00};

    @ParameterizedTest(name = "events on {0}")
    @ValueSource(strings = {"the loop", "an executor"})
    void echoRepliesToMessagesBeforeTheBadFrameGoOutBeforeTheCloseFrame(String where) throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (RawServer server = new RawServer()) {
            WebSocketBuilder builder = WebSocket.builder(server.url("/"));
            if (where.equals("an executor")) {
                builder.eventExecutor(executor);
            }
            WebSocket ws = builder.onMessage(e -> e.target().send("echo " + e.text())).connect();
            RawPeer peer = server.accept();
            peer.acceptUpgrade();
            ws.whenOpen().get(10, TimeUnit.SECONDS);

            ByteArrayOutputStream oneWrite = new ByteArrayOutputStream();
            oneWrite.writeBytes(text("one"));
            oneWrite.writeBytes(text("two"));
            oneWrite.writeBytes(text("three"));
            oneWrite.writeBytes(RESERVED_OPCODE_FRAME);
            peer.out.write(oneWrite.toByteArray());
            peer.out.flush();

            List<String> seen = new ArrayList<>();
            RawPeer.Frame f;
            while ((f = peer.readFrame()).opcode() != 8) {
                seen.add(f.opcode() + ":" + f.text());
            }
            assertEquals(List.of("1:echo one", "1:echo two", "1:echo three"), seen, "echoes, in order, before the close");
            assertEquals(1002, f.closeCode());
            CloseEvent closed = ws.whenClosed().get(10, TimeUnit.SECONDS);
            assertEquals(1002, closed.code());
            peer.close();
        } finally {
            executor.shutdownNow();
        }
    }
}
