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
                        m.errors());
    }
}
