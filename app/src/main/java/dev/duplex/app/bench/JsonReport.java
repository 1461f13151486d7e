package dev.duplex.app.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;

/**
 * A run's result as one JSON object on one line, for scripts ({@code --json}), written with jackson-core's
 * streaming generator. Field names are stable; latencies are in microseconds, rates per second, megabytes are
 * 10^6 bytes of payload, decimals have at most three places; a figure that could not be measured is null. The
 * fields are listed in the README's "duplex bench" section.
 */
final class JsonReport {
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonReport() {
    }

    static String render(BenchResult r) {
        return object(json -> write(json, r));
    }

    /** What writes one report's fields with a generator; see {@link #object}. */
    interface Body {
        void write(JsonGenerator json) throws IOException;
    }

    /** One JSON object on one line, written by {@code body} (which opens and closes the object itself). */
    static String object(Body body) {
        StringWriter text = new StringWriter();
        try (JsonGenerator json = FACTORY.createGenerator(text)) {
            body.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return text.toString();
    }

    private static void write(JsonGenerator json, BenchResult r) throws IOException {
        BenchPlan plan = r.plan();
        json.writeStartObject();
        json.writeStringField("tool", "duplex bench");
        json.writeStringField("mode", plan.mode().name().toLowerCase(Locale.ROOT));
        json.writeStringField("url", plan.url().toString());
        json.writeArrayFieldStart("urls");
        for (java.net.URI u : plan.urls()) {
            json.writeString(u.toString());
        }
        json.writeEndArray();
        json.writeNumberField("connections", plan.connections());
        json.writeNumberField("threads", plan.threads());
        if (plan.mode() != Mode.CONNECT) {
            json.writeNumberField("inFlight", plan.inFlight());
            json.writeNumberField("size", plan.size());
            json.writeStringField("type", plan.text() ? "text" : "binary");
            json.writeNumberField("rate", plan.rate());
            decimal(json, "warmupSeconds", plan.warmup().toNanos() / 1e9);
            json.writeNumberField("countedMessages", plan.messages());
        }
        if (plan.publishing()) {
            json.writeNumberField("publishers", plan.publishers());
            json.writeStringField("publishUrl", plan.publishUrl().toString());
        }
        if (plan.mode() == Mode.HUB) {
            json.writeStringField("topic", plan.topic());
            json.writeBooleanField("ack", plan.ack());
        }
        json.writeStringField("aborted", r.aborted());

        json.writeObjectFieldStart("connect");
        json.writeNumberField("opened", r.opened());
        json.writeNumberField("failed", r.failedAttempts());
        decimal(json, "seconds", r.connectNanos() / 1e9);
        decimal(json, "perSecond", r.connectNanos() <= 0 ? 0 : r.opened() / (r.connectNanos() / 1e9));
        latency(json, "latencyMicros", r.handshake());
        json.writeEndObject();
        if (plan.mode() == Mode.CONNECT) {
            decimal(json, "holdSeconds", plan.hold().toNanos() / 1e9);
        }

        decimal(json, "windowSeconds", r.windowSeconds());
        if (plan.mode() == Mode.ECHO) {
            json.writeNumberField("messages", r.messages());
            decimal(json, "messagesPerSecond", r.perSecond(r.messages()));
        } else if (plan.publishing()) {
            json.writeNumberField("deliveries", r.messages());
            decimal(json, "deliveriesPerSecond", r.perSecond(r.messages()));
            json.writeNumberField("published", r.published());
            decimal(json, "publishedPerSecond", r.perSecond(r.published()));
        }
        if (plan.mode() != Mode.CONNECT) {
            json.writeNumberField("payloadBytes", r.payloadBytes());
            decimal(json, "megabytesPerSecond", r.perSecond(r.payloadBytes()) / 1e6);
            latency(json, "latencyMicros", r.latency());
        }
        if (plan.mode() == Mode.HUB) {
            if (plan.ack()) {
                latency(json, "ackLatencyMicros", r.ackLatency());
            }
            json.writeArrayFieldStart("byUrl");
            for (int i = 0; i < plan.urls().size(); i++) {
                Histogram h = r.latencyByUrl().get(i);
                json.writeStartObject();
                json.writeStringField("url", plan.urls().get(i).toString());
                json.writeNumberField("deliveries", h.getTotalCount());
                latency(json, "latencyMicros", h);
                json.writeEndObject();
            }
            json.writeEndArray();
            SeqChecks.OrderSummary o = r.order();
            json.writeObjectFieldStart("order");
            json.writeNumberField("subscribersChecked", o == null ? 0 : o.subscribers());
            json.writeNumberField("lastSeq", o == null ? -1 : o.lastSeq());
            json.writeNumberField("lost", o == null ? 0 : o.lost());
            json.writeNumberField("duplicated", o == null ? 0 : o.duplicated());
            json.writeNumberField("outOfOrder", o == null ? 0 : o.outOfOrder());
            json.writeNumberField("subscribersWithProblems", o == null ? 0 : o.subscribersWithProblems());
            json.writeEndObject();
        }

        json.writeObjectFieldStart("errors");
        json.writeNumberField("total", r.totalErrors());
        for (Map.Entry<ErrorKind, Long> e : r.errors().entrySet()) {
            json.writeNumberField(e.getKey().key(), e.getValue());
        }
        json.writeEndObject();
        json.writeObjectFieldStart("errorExamples");
        for (Map.Entry<String, Long> e : r.errorExamples().entrySet()) {
            json.writeNumberField(e.getKey(), e.getValue());
        }
        json.writeEndObject();

        String unit = r.cpuUnitName();
        String perUnit = "microsPer" + Character.toUpperCase(unit.charAt(0)) + unit.substring(1);
        json.writeObjectFieldStart("benchCpu");
        measured(json, "percentOfCore", r.percentOfCore(r.processCpuNanos()));
        measured(json, "loopThreadsPercentOfCore", r.percentOfCore(r.loopCpuNanos()));
        measured(json, perUnit, r.microsPerUnit(r.processCpuNanos()));
        json.writeEndObject();
        if (plan.serverPid() > 0) {
            json.writeObjectFieldStart("serverCpu");
            json.writeNumberField("pid", plan.serverPid());
            measured(json, "percentOfCore", r.percentOfCore(r.serverCpuNanos()));
            measured(json, perUnit, r.microsPerUnit(r.serverCpuNanos()));
            if (plan.publishing()) {
                measured(json, "microsPerMessage", r.serverCpuNanos() < 0 || r.published() == 0 ? -1
                        : r.serverCpuNanos() / 1e3 / r.published());
            }
            json.writeStringField("problem", r.serverCpuProblem());
            json.writeEndObject();
        } else {
            json.writeNullField("serverCpu");
        }
        json.writeEndObject();
    }

    private static void latency(JsonGenerator json, String name, Histogram h) throws IOException {
        json.writeObjectFieldStart(name);
        json.writeNumberField("count", h.getTotalCount());
        boolean empty = h.getTotalCount() == 0;
        measured(json, "mean", empty ? -1 : h.getMean() / 1e3);
        measured(json, "p50", empty ? -1 : h.getValueAtPercentile(50) / 1e3);
        measured(json, "p90", empty ? -1 : h.getValueAtPercentile(90) / 1e3);
        measured(json, "p99", empty ? -1 : h.getValueAtPercentile(99) / 1e3);
        measured(json, "p99_9", empty ? -1 : h.getValueAtPercentile(99.9) / 1e3);
        measured(json, "max", empty ? -1 : h.getMaxValue() / 1e3);
        json.writeEndObject();
    }

    /** A figure that may be unknown: negative means it could not be measured, written as null. */
    private static void measured(JsonGenerator json, String name, double value) throws IOException {
        if (value < 0 || Double.isNaN(value) || Double.isInfinite(value)) {
            json.writeNullField(name);
        } else {
            decimal(json, name, value);
        }
    }

    private static void decimal(JsonGenerator json, String name, double value) throws IOException {
        json.writeNumberField(name, Math.round(value * 1000) / 1000.0);
    }
}
