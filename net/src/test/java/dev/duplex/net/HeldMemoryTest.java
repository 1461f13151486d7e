package dev.duplex.net;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link HeldMemory}: application memory in the server's budget, shed biggest first, released on close. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HeldMemoryTest {
    private WebSocketServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void heldMemoryCountsInTheBudgetAndTheBiggestHolderIsShedOnce() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1).memoryBudget(1 << 20).build().start();
        AtomicInteger bigShed = new AtomicInteger();
        AtomicInteger smallShed = new AtomicInteger();
        HeldMemory big = server.holdMemory(bigShed::incrementAndGet);
        HeldMemory small = server.holdMemory(smallShed::incrementAndGet);
        big.set(700 << 10);
        small.set(200 << 10);
        assertEquals(900 << 10, server.metrics().bufferedBytes());
        assertEquals(0, bigShed.get() + smallShed.get(), "under the budget: nothing shed");
        small.set(400 << 10); // 1.1 MiB: over the budget; shedding the big one brings it under three quarters
        assertEquals(1, bigShed.get());
        assertEquals(0, smallShed.get());
        assertTrue(big.isShed());
        assertFalse(small.isShed());
        assertEquals(1, server.metrics().connectionsShed());
        big.close(); // the holder frees what it held
        assertEquals(400 << 10, server.metrics().bufferedBytes());
        big.set(1 << 20);
        assertEquals(400 << 10, server.metrics().bufferedBytes(), "ignored after close");
        small.close();
        small.close();
        assertEquals(0, server.metrics().bufferedBytes());
    }
}
