package dev.duplex.app.bench;

import java.nio.ByteBuffer;

/** Connect mode, and a publisher's own copies: sends nothing and ignores what arrives. */
final class IdleWorkload implements Workload {
    @Override
    public String onMessage(ByteBuffer data, long now) {
        return null;
    }
}
