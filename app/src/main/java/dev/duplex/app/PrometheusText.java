package dev.duplex.app;

import java.util.regex.Pattern;

/**
 * Writes metrics in the Prometheus text exposition format (version 0.0.4): for each metric a {@code # HELP} line, a
 * {@code # TYPE} line and one sample line {@code name value}. Counters get the {@code _total} suffix by convention;
 * the caller passes the full name. Not thread-safe: one instance per scrape.
 */
final class PrometheusText {
    /** The content type scrapers expect for this format. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    private final StringBuilder out = new StringBuilder(2048);

    /** A value that only goes up (resets only when the process restarts). */
    PrometheusText counter(String name, String help, long value) {
        return sample(name, "counter", help, Long.toString(value));
    }

    /** A value that goes up and down. */
    PrometheusText gauge(String name, String help, long value) {
        return sample(name, "gauge", help, Long.toString(value));
    }

    /** A value that goes up and down, not an integer. */
    PrometheusText gauge(String name, String help, double value) {
        return sample(name, "gauge", help, Double.toString(value));
    }

    private PrometheusText sample(String name, String type, String help, String value) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a Prometheus metric name: " + name);
        }
        out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        out.append(name).append(' ').append(value).append('\n');
        return this;
    }

    private static String escapeHelp(String help) {
        return help.replace("\\", "\\\\").replace("\n", "\\n");
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
