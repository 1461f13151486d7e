package dev.duplex.app.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;

/**
 * An attack run's result: a few lines for people ({@link #text}) or one JSON object for scripts ({@link #json}),
 * with the same figures. The JSON fields are listed in docs/operations.md, "duplex bench".
 */
final class AttackReport {
    private AttackReport() {
    }

    static String text(AttackResult r) {
        AttackPlan plan = r.plan();
        StringBuilder out = new StringBuilder();
        out.append("duplex bench ").append(plan.mode().name().toLowerCase(Locale.ROOT)).append(' ')
                .append(plan.url()).append('\n');
        out.append("  ").append(describe(plan)).append('\n');
        if (r.aborted() != null) {
            out.append("ABORTED      ").append(r.aborted()).append('\n');
        }
        line(out, "connections", String.format(Locale.ROOT, "%d attempted, %d connected, %d attacking (%s) in %s",
                r.attempted(), r.connected(), r.attacking(),
                plan.mode() == Mode.SLOWLORIS ? "TCP connected" : "upgraded", TextReport.time(r.runNanos())));
        line(out, "still open", r.fate(Fate.OPEN) + " when the attack ended");
        line(out, "shed", String.format(Locale.ROOT, "%d ended by the server: closed %d%s, without close frame %d,"
                        + " reset %d, refused %d%s", r.endedByServer(), r.fate(Fate.CLOSED), counts(r.closeCodes()),
                r.fate(Fate.EOF), r.fate(Fate.RESET), r.fate(Fate.REJECTED), statuses(r)));
        line(out, "held", r.held().getTotalCount() == 0 ? "nothing was ended by the server"
                : "from connect until the server ended it: " + TextReport.percentiles(r.held()));
        line(out, "failed", String.format(Locale.ROOT, "connect %d, no answer to the upgrade %d, protocol %d",
                r.fate(Fate.CONNECT_FAILED), r.fate(Fate.NO_ANSWER), r.fate(Fate.PROTOCOL)));
        line(out, "traffic", String.format(Locale.ROOT, "sent %d frames, %.2f MB; received %.2f MB",
                r.framesSent(), r.bytesSent() / 1e6, r.bytesReceived() / 1e6));
        for (Map.Entry<String, Long> e : r.examples().entrySet()) {
            line(out, "", e.getKey() + " (x" + e.getValue() + ")");
        }
        return out.toString();
    }

    static String json(AttackResult r) {
        return JsonReport.object(json -> write(json, r));
    }

    private static void write(JsonGenerator json, AttackResult r) throws IOException {
        AttackPlan plan = r.plan();
        json.writeStartObject();
        json.writeStringField("tool", "duplex bench");
        json.writeStringField("mode", plan.mode().name().toLowerCase(Locale.ROOT));
        json.writeStringField("url", plan.url().toString());
        json.writeNumberField("connections", plan.connections());
        json.writeNumberField("threads", plan.threads());
        json.writeNumberField("size", plan.size());
        json.writeNumberField("rate", plan.rate());
        json.writeBooleanField("reads", plan.readsAfterUpgrade());
        decimal(json, "durationSeconds", plan.duration().toNanos() / 1e9);
        decimal(json, "runSeconds", r.runNanos() / 1e9);
        json.writeStringField("aborted", r.aborted());
        json.writeObjectFieldStart("attack");
        json.writeNumberField("attempted", r.attempted());
        json.writeNumberField("connected", r.connected());
        json.writeNumberField("attacking", r.attacking());
        json.writeNumberField("endedByServer", r.endedByServer());
        for (Fate f : Fate.values()) {
            json.writeNumberField(f.key(), r.fate(f));
        }
        json.writeObjectFieldStart("closeCodes");
        for (Map.Entry<Integer, Long> e : r.closeCodes().entrySet()) {
            json.writeNumberField(Integer.toString(e.getKey()), e.getValue());
        }
        json.writeEndObject();
        json.writeObjectFieldStart("httpStatuses");
        for (Map.Entry<Integer, Long> e : r.httpStatuses().entrySet()) {
            json.writeNumberField(Integer.toString(e.getKey()), e.getValue());
        }
        json.writeEndObject();
        json.writeNumberField("retryAfter", r.retryAfter());
        held(json, r.held());
        json.writeNumberField("framesSent", r.framesSent());
        json.writeNumberField("bytesSent", r.bytesSent());
        json.writeNumberField("bytesReceived", r.bytesReceived());
        json.writeEndObject();
        json.writeObjectFieldStart("examples");
        for (Map.Entry<String, Long> e : r.examples().entrySet()) {
            json.writeNumberField(e.getKey(), e.getValue());
        }
        json.writeEndObject();
        json.writeEndObject();
    }

    private static void held(JsonGenerator json, Histogram h) throws IOException {
        json.writeObjectFieldStart("heldMillis");
        json.writeNumberField("count", h.getTotalCount());
        boolean empty = h.getTotalCount() == 0;
        for (String p : new String[] {"p50", "p90", "p99", "max"}) {
            if (empty) {
                json.writeNullField(p);
            } else {
                long nanos = p.equals("max") ? h.getMaxValue() : h.getValueAtPercentile(Double.parseDouble(p.substring(1)));
                decimal(json, p, nanos / 1e6);
            }
        }
        json.writeEndObject();
    }

    private static String describe(AttackPlan plan) {
        String threads = plan.threads() + (plan.threads() == 1 ? " thread" : " threads");
        String length = "for at most " + TextReport.time(plan.duration().toNanos());
        String rate = plan.rate() > 0 ? ", at most " + plan.rate() + " frames/s" : ", as fast as the sockets take them";
        String what = switch (plan.mode()) {
            case SLOWREAD -> String.format(Locale.ROOT, "%d-byte %s frames%s, never reading", plan.size(),
                    plan.text() ? "text" : "binary", rate);
            case FLOOD -> String.format(Locale.ROOT, "%d-byte %s frames%s, %s", plan.size(),
                    plan.text() ? "text" : "binary", rate, plan.read() ? "reading and dropping the replies"
                            : "never reading");
            case PARTIAL -> String.format(Locale.ROOT, "one frame announcing %d bytes, %d of them sent, then nothing",
                    plan.size(), Math.max(0, plan.size() - 1));
            case SLOWLORIS -> String.format(Locale.ROOT, "an endless request head, %d bytes every %s",
                    SlowlorisHead.STEP, TextReport.time(plan.interval().toNanos()));
            default -> throw new IllegalArgumentException("not an attack mode: " + plan.mode());
        };
        return plan.connections() + " connections, " + what + ", " + length + ", " + threads;
    }

    private static String counts(Map<Integer, Long> byCode) {
        if (byCode.isEmpty()) {
            return "";
        }
        StringBuilder s = new StringBuilder(" (");
        byCode.forEach((k, v) -> s.append(s.length() > 2 ? ", " : "").append(k).append(" x").append(v));
        return s.append(')').toString();
    }

    private static String statuses(AttackResult r) {
        if (r.httpStatuses().isEmpty()) {
            return "";
        }
        String s = counts(r.httpStatuses());
        return r.retryAfter() > 0 ? s.substring(0, s.length() - 1) + "; " + r.retryAfter() + " with Retry-After)" : s;
    }

    private static void line(StringBuilder out, String label, String text) {
        out.append(String.format(Locale.ROOT, "%-13s%s%n", label, text));
    }

    private static void decimal(JsonGenerator json, String name, double value) throws IOException {
        json.writeNumberField(name, Math.round(value * 1000) / 1000.0);
    }
}
