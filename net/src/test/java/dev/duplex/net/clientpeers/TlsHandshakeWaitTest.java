package dev.duplex.net.clientpeers;

import dev.duplex.net.ClientEventLoop;
import dev.duplex.net.CloseEvent;
import dev.duplex.net.WebSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * While a wss client waits for the server's TLS handshake reply, its upgrade request is queued but cannot be
 * written; the loop must wait for the reply (OP_READ), not spin on OP_WRITE. The server here accepts TCP and never
 * answers, so the attempt ends with the connect timeout; meanwhile the loop thread must stay nearly idle.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TlsHandshakeWaitTest {
    private static final String LOOP_NAME = "test-tls-wait";

    @Test
    void loopIdlesWhileTheServerDoesNotAnswerTheClientHello() throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (ClientEventLoop loop = ClientEventLoop.create(LOOP_NAME);
             ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Events events = new Events();
            WebSocket ws = events.attach(WebSocket.builder("wss://127.0.0.1:" + silent.getLocalPort() + "/")
                    .eventLoop(loop).connectTimeout(Duration.ofMillis(1500))).connect();
            try (Socket accepted = silent.accept()) {
                long loopThread = loopThreadId();
                long cpuBefore = mx.getThreadCpuTime(loopThread);
                Throwable timeout = assertInstanceOf(TimeoutException.class, events.error().cause());
                assertTrue(timeout.getMessage().endsWith(" ms (during the opening handshake)"),
                        timeout.getMessage());
                long cpuNanos = mx.getThreadCpuTime(loopThread) - cpuBefore;
                CloseEvent close = events.close();
                assertEquals(1006, close.code());
                assertTrue(cpuNanos < TimeUnit.MILLISECONDS.toNanos(300),
                        "the loop used " + cpuNanos / 1_000_000 + " ms of CPU in 1.5 s while waiting: it spins");
            }
            assertEquals(WebSocket.CLOSED, ws.readyState());
        }
    }

    private static long loopThreadId() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(LOOP_NAME) && !t.getName().endsWith("-dns"))
                .findFirst().orElseThrow().getId();
    }
}
