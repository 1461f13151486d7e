package dev.duplex.app.bench;

import org.HdrHistogram.Histogram;

import java.util.Locale;
import java.util.Map;

/**
 * A run's result as one JSON object on one line, for scripts ({@code --json}). Field names are stable; latencies
 * are in microseconds, rates per second, megabytes are 10^6 bytes of payload; a figure that could not be measured
 * is null. The fields are listed in the README's "duplex bench" section.
 */
final class JsonReport {
    private JsonReport() {
    }

    static String render(BenchResult r) {
        BenchPlan plan = r.plan();
        JsonWriter json = new JsonWriter().begin()
                .field("tool", "duplex bench")
                .field("mode", plan.mode().name().toLowerCase(Locale.ROOT))
                .field("url", plan.url().toString())
                .field("connections", plan.connections())
                .field("threads", plan.threads());
        if (plan.mode() != Mode.CONNECT) {
            json.field("inFlight", plan.inFlight())
                    .field("size", plan.size())
                    .field("type", plan.text() ? "text" : "binary")
                    .field("rate", plan.rate())
                    .field("warmupSeconds", plan.warmup().toNanos() / 1e9, false)
                    .field("countedMessages", plan.messages());
        }
        if (plan.mode() == Mode.FANOUT) {
            json.field("publishers", plan.publishers());
        }
        json.field("aborted", r.aborted());

        json.object("connect")
                .field("opened", r.opened())
                .field("failed", r.failedAttempts())
                .field("seconds", r.connectNanos() / 1e9, false)
                .field("perSecond", r.connectNanos() <= 0 ? 0 : r.opened() / (r.connectNanos() / 1e9), false);
        latency(json, "latencyMicros", r.handshake());
        json.end();
        if (plan.mode() == Mode.CONNECT) {
            json.field("holdSeconds", plan.hold().toNanos() / 1e9, false);
        }

        json.field("windowSeconds", r.windowSeconds(), false);
        if (plan.mode() == Mode.ECHO) {
            json.field("messages", r.messages())
                    .field("messagesPerSecond", r.perSecond(r.messages()), false);
        } else if (plan.mode() == Mode.FANOUT) {
            json.field("deliveries", r.messages())
                    .field("deliveriesPerSecond", r.perSecond(r.messages()), false)
                    .field("published", r.published())
                    .field("publishedPerSecond", r.perSecond(r.published()), false);
        }
        if (plan.mode() != Mode.CONNECT) {
            json.field("payloadBytes", r.payloadBytes())
                    .field("megabytesPerSecond", r.perSecond(r.payloadBytes()) / 1e6, false);
            latency(json, "latencyMicros", r.latency());
        }

        json.object("errors").field("total", r.totalErrors());
        for (Map.Entry<ErrorKind, Long> e : r.errors().entrySet()) {
            json.field(e.getKey().key(), e.getValue());
        }
        json.end();
        json.object("errorExamples");
        for (Map.Entry<String, Long> e : r.errorExamples().entrySet()) {
            json.field(e.getKey(), e.getValue());
        }
        json.end();

        String perUnit = "microsPer" + Character.toUpperCase(r.cpuUnitName().charAt(0)) + r.cpuUnitName().substring(1);
        json.object("benchCpu")
                .field("percentOfCore", r.percentOfCore(r.processCpuNanos()), true)
                .field("loopThreadsPercentOfCore", r.percentOfCore(r.loopCpuNanos()), true)
                .field(perUnit, r.microsPerUnit(r.processCpuNanos()), true)
                .end();
        if (plan.serverPid() > 0) {
            json.object("serverCpu")
                    .field("pid", plan.serverPid())
                    .field("percentOfCore", r.percentOfCore(r.serverCpuNanos()), true)
                    .field(perUnit, r.microsPerUnit(r.serverCpuNanos()), true);
            if (plan.mode() == Mode.FANOUT) {
                json.field("microsPerMessage", r.serverCpuNanos() < 0 || r.published() == 0 ? -1
                        : r.serverCpuNanos() / 1e3 / r.published(), true);
            }
            json.field("problem", r.serverCpuProblem()).end();
        } else {
            json.nullField("serverCpu");
        }
        return json.end().toString();
    }

    private static void latency(JsonWriter json, String name, Histogram h) {
        json.object(name).field("count", h.getTotalCount());
        if (h.getTotalCount() == 0) {
            json.nullField("mean").nullField("p50").nullField("p90").nullField("p99").nullField("p99_9")
                    .nullField("max");
        } else {
            json.field("mean", h.getMean() / 1e3, false)
                    .field("p50", h.getValueAtPercentile(50) / 1e3, false)
                    .field("p90", h.getValueAtPercentile(90) / 1e3, false)
                    .field("p99", h.getValueAtPercentile(99) / 1e3, false)
                    .field("p99_9", h.getValueAtPercentile(99.9) / 1e3, false)
                    .field("max", h.getMaxValue() / 1e3, false);
        }
        json.end();
    }
}
