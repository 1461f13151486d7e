package dev.duplex.net;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Traffic counters of one event loop. Only the loop thread writes them (opaque stores: no fence on the hot path);
 * any thread may read them, seeing values that are recent but not necessarily the latest.
 */
final class LoopCounters {
    private static final VarHandle LONG;

    static {
        try {
            LONG = MethodHandles.lookup().findVarHandle(Cell.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** One counter. */
    static final class Cell {
        @SuppressWarnings("unused") // accessed through the VarHandle
        private long value;

        /** Loop thread only. */
        void add(long n) {
            LONG.setOpaque(this, (long) LONG.getOpaque(this) + n);
        }

        /** Any thread. */
        long get() {
            return (long) LONG.getOpaque(this);
        }
    }

    final Cell messagesIn = new Cell();
    final Cell messagesOut = new Cell();
    final Cell bytesIn = new Cell();
    final Cell bytesOut = new Cell();
}
