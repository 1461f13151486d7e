package dev.duplex.hub;

import dev.duplex.core.CloseCodes;
import dev.duplex.net.Endpoint;
import dev.duplex.net.ServerSession;

import java.nio.ByteBuffer;

/**
 * {@code /echo}: every message back to its sender, text as text, binary as binary. Messages above the hub's
 * {@link HubLimits#maxRawMessageBytes()} close the connection with 1009.
 */
final class EchoEndpoint implements Endpoint {
    private final int maxMessageBytes;

    EchoEndpoint(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public void onText(ServerSession session, String text) {
        if (Utf8Length.of(text, maxMessageBytes) > maxMessageBytes) {
            session.close(CloseCodes.MESSAGE_TOO_BIG, "message too big");
            return;
        }
        session.send(text);
    }

    @Override
    public void onBinary(ServerSession session, ByteBuffer data) {
        if (data.remaining() > maxMessageBytes) {
            session.close(CloseCodes.MESSAGE_TOO_BIG, "message too big");
            return;
        }
        session.send(data);
    }
}
