package dev.duplex.app.bench;

import org.HdrHistogram.Histogram;

import java.util.Locale;
import java.util.Map;

/** A run's result for people: a few aligned lines. */
final class TextReport {
    private TextReport() {
    }

    static String render(BenchResult r) {
        BenchPlan plan = r.plan();
        StringBuilder out = new StringBuilder();
        out.append("duplex bench ").append(plan.mode().name().toLowerCase(Locale.ROOT)).append(' ')
                .append(plan.urls().size() == 1 ? plan.url().toString() : plan.urls().toString()).append('\n');
        out.append("  ").append(describe(plan)).append('\n');
        if (r.aborted() != null) {
            out.append("ABORTED      ").append(r.aborted()).append('\n');
        }
        line(out, "connections", String.format(Locale.ROOT, "%d opened, %d failed in %s (%.1f/s); connect+upgrade %s",
                r.opened(), r.failedAttempts(), time(r.connectNanos()),
                r.connectNanos() <= 0 ? 0.0 : r.opened() / (r.connectNanos() / 1e9), percentiles(r.handshake())));
        if (plan.mode() == Mode.ECHO) {
            line(out, "messages", String.format(Locale.ROOT, "%d in %.2f s: %.1f msgs/s, %.2f MB/s of payload",
                    r.messages(), r.windowSeconds(), r.perSecond(r.messages()), r.perSecond(r.payloadBytes()) / 1e6));
        } else if (plan.publishing()) {
            line(out, "deliveries", String.format(Locale.ROOT, "%d in %.2f s: %.1f deliveries/s, %.2f MB/s of payload",
                    r.messages(), r.windowSeconds(), r.perSecond(r.messages()), r.perSecond(r.payloadBytes()) / 1e6));
            line(out, "published", String.format(Locale.ROOT, "%d messages (%.1f/s) to %d subscribers each",
                    r.published(), r.perSecond(r.published()), plan.connections()));
        }
        if (plan.mode() != Mode.CONNECT) {
            line(out, "latency", percentiles(r.latency()));
        }
        if (plan.mode() == Mode.HUB) {
            if (plan.ack()) {
                line(out, "ack latency", percentiles(r.ackLatency()));
            }
            if (plan.urls().size() > 1) {
                for (int i = 0; i < plan.urls().size(); i++) {
                    Histogram h = r.latencyByUrl().get(i);
                    line(out, i == 0 ? "by URL" : "", plan.urls().get(i) + ": " + h.getTotalCount()
                            + " deliveries, " + percentiles(h));
                }
            }
            SeqChecks.OrderSummary o = r.order();
            line(out, "seq check", o == null ? "not run" : String.format(Locale.ROOT,
                    "%d subscribers checked up to seq %d: %d lost, %d duplicated, %d out of order"
                            + " (%d subscribers affected)", o.subscribers(), o.lastSeq(), o.lost(), o.duplicated(),
                    o.outOfOrder(), o.subscribersWithProblems()));
        }
        line(out, "errors", errors(r));
        String unit = r.cpuUnitName();
        line(out, "bench CPU", String.format(Locale.ROOT, "%s of one core (loop threads %s), %s per %s",
                percent(r.percentOfCore(r.processCpuNanos())), percent(r.percentOfCore(r.loopCpuNanos())),
                micros(r.microsPerUnit(r.processCpuNanos())), unit));
        if (plan.serverPid() > 0) {
            if (r.serverCpuProblem() != null) {
                line(out, "server CPU", r.serverCpuProblem());
            } else {
                line(out, "server CPU", String.format(Locale.ROOT, "%s of one core, %s per %s (pid %d)",
                        percent(r.percentOfCore(r.serverCpuNanos())), micros(r.microsPerUnit(r.serverCpuNanos())),
                        unit, plan.serverPid()));
            }
        }
        return out.toString();
    }

    private static String describe(BenchPlan plan) {
        String threads = plan.threads() + (plan.threads() == 1 ? " thread" : " threads");
        return switch (plan.mode()) {
            case CONNECT -> String.format(Locale.ROOT, "%d connections, %d attempts at a time, held %s, %s",
                    plan.connections(), plan.concurrency(), time(plan.hold().toNanos()), threads);
            case ECHO -> String.format(Locale.ROOT, "%d connections x %d in flight, %d-byte %s messages, %s, %s",
                    plan.connections(), plan.inFlight(), plan.size(), plan.text() ? "text" : "binary",
                    length(plan), threads);
            case FANOUT -> String.format(Locale.ROOT,
                    "%d subscribers, %d publisher(s) x %d in flight, %d-byte %s messages, %s, %s",
                    plan.connections(), plan.publishers(), plan.inFlight(), plan.size(),
                    plan.text() ? "text" : "binary", length(plan), threads);
            case HUB -> String.format(Locale.ROOT,
                    "%d subscribers over %d URL(s), %d publisher(s) on %s x %d in flight%s, topic %s, %d-character"
                            + " data, %s, %s",
                    plan.connections(), plan.urls().size(), plan.publishers(), plan.publishUrl(), plan.inFlight(),
                    plan.ack() ? " with ack" : "", plan.topic(), plan.size(), length(plan), threads);
            default -> throw new IllegalArgumentException("attack modes have their own report: " + plan.mode());
        };
    }

    private static String length(BenchPlan plan) {
        String what = plan.counted() ? plan.messages() + " messages" : time(plan.duration().toNanos()) + " measured";
        String rate = plan.rate() > 0 ? ", at most " + plan.rate() + " msgs/s" : "";
        return what + (plan.warmup().isZero() ? "" : " after " + time(plan.warmup().toNanos()) + " warm-up") + rate;
    }

    private static void line(StringBuilder out, String label, String text) {
        out.append(String.format(Locale.ROOT, "%-13s%s%n", label, text));
    }

    static String percentiles(Histogram h) {
        if (h.getTotalCount() == 0) {
            return "no samples";
        }
        return "p50 " + time(h.getValueAtPercentile(50)) + "  p90 " + time(h.getValueAtPercentile(90))
                + "  p99 " + time(h.getValueAtPercentile(99)) + "  p99.9 " + time(h.getValueAtPercentile(99.9))
                + "  max " + time(h.getMaxValue());
    }

    private static String errors(BenchResult r) {
        if (r.totalErrors() == 0) {
            return "none";
        }
        StringBuilder s = new StringBuilder().append(r.totalErrors()).append(':');
        for (Map.Entry<ErrorKind, Long> e : r.errors().entrySet()) {
            if (e.getValue() > 0) {
                s.append(' ').append(e.getKey().key()).append(' ').append(e.getValue());
            }
        }
        for (Map.Entry<String, Long> e : r.errorExamples().entrySet()) {
            s.append(String.format(Locale.ROOT, "%n%13s%s (x%d)", "", e.getKey(), e.getValue()));
        }
        return s.toString();
    }

    static String time(long nanos) {
        if (nanos < 1_000_000) {
            return String.format(Locale.ROOT, "%.0f us", nanos / 1e3);
        }
        if (nanos < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }

    private static String percent(double value) {
        return value < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f%%", value);
    }

    private static String micros(double value) {
        return value < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f us", value);
    }
}
