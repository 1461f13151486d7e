package dev.duplex.app;

import dev.duplex.core.handshake.HttpRequest;
import dev.duplex.net.HttpHandler;
import dev.duplex.net.HttpReply;
import dev.duplex.net.ServerMetrics;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code GET /metrics}: every source's metrics in the Prometheus text format, freshly read on each scrape. Other
 * methods get 405. Thread-safe if the sources are; each source must be quick (it runs on an event loop).
 */
final class MetricsPage implements HttpHandler {
    private final List<Consumer<PrometheusText>> sources;

    MetricsPage(List<Consumer<PrometheusText>> sources) {
        this.sources = List.copyOf(sources);
    }

    @Override
    public HttpReply handle(HttpRequest request) {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return HttpReply.text(405, "GET only").withHeader("Allow", "GET, HEAD");
        }
        PrometheusText text = new PrometheusText();
        for (Consumer<PrometheusText> source : sources) {
            source.accept(text);
        }
        return HttpReply.of(200, PrometheusText.CONTENT_TYPE, text.toString().getBytes(StandardCharsets.UTF_8))
                .withHeader("Cache-Control", "no-store");
    }

    /** The server's counters as {@code duplex_*} metrics (names listed in docs/operations.md). */
    static void write(ServerMetrics m, PrometheusText out) {
        out.gauge("duplex_connections_open", "TCP connections open now (HTTP or WebSocket).", m.openConnections())
                .gauge("duplex_sessions_open", "WebSocket sessions open now.", m.openSessions())
                .counter("duplex_connections_accepted_total", "TCP connections accepted.", m.acceptedConnections())
                .counter("duplex_messages_in_total", "WebSocket messages received.", m.messagesIn())
                .counter("duplex_messages_out_total", "WebSocket messages queued for sending (a broadcast counts "
                        + "once per recipient).", m.messagesOut())
                .counter("duplex_bytes_in_total", "Bytes read from sockets.", m.bytesIn())
                .counter("duplex_bytes_out_total", "Bytes written to sockets.", m.bytesOut())
                .gauge("duplex_queued_bytes", "Bytes waiting to be sent now, over all sessions.", m.queuedBytes())
                .counter("duplex_http_requests_total", "Plain HTTP requests answered.", m.httpRequests())
                .counter("duplex_errors_total", "Malformed requests, protocol violations and callback failures.",
                        m.errors())
                .gauge("duplex_buffered_bytes", "Memory held for clients now (queued output and input of messages "
                        + "still arriving), counted against the memory budget.", m.bufferedBytes())
                .gauge("duplex_memory_budget_bytes", "The memory budget (--max-buffered-memory).", m.memoryBudget())
                .counter("duplex_connections_shed_total", "Connections closed for the memory budget or the "
                        + "per-connection output cap (1013, or 1009 for input).", m.connectionsShed())
                .counter("duplex_connections_rejected_total", "Connections refused with 503 for the connection "
                        + "limits.", m.connectionsRejected())
                .counter("duplex_handshake_timeouts_total", "Connections dropped for not sending their request "
                        + "in time.", m.handshakeTimeouts())
                .counter("duplex_read_timeouts_total", "Connections closed (1008) because a message stopped "
                        + "arriving midway.", m.readTimeouts())
                .counter("duplex_write_timeouts_total", "Connections closed (1013) because they took none of their "
                        + "output for the write timeout.", m.writeTimeouts())
                .counter("duplex_accept_failures_total", "Failed accepts (e.g. out of file descriptors), each "
                        + "followed by an accept back-off.", m.acceptFailures())
                .gauge("duplex_event_loops_not_turning", "Event loops stalled or dead now (/healthz is 503 while "
                        + "this is not 0).", m.loopsNotTurning());
    }
}
