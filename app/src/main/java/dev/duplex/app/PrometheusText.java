package dev.duplex.app;

import java.math.BigDecimal;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Writes metrics in the Prometheus text exposition format (version 0.0.4): for each metric a {@code # HELP} line, a
 * {@code # TYPE} line and its samples: one line {@code name value}, or for an {@link #info} metric one labelled line,
 * or for a {@link #histogram} one line per bucket plus {@code _sum} and {@code _count}. Counters get the
 * {@code _total} suffix by convention; the caller passes the full name. Not thread-safe: one instance per scrape.
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

    /**
     * An info metric: a gauge of 1 whose one label carries the information, e.g.
     * {@code duplex_cluster_node_info{node="a1"} 1}.
     */
    PrometheusText info(String name, String help, String label, String value) {
        header(name, "gauge", help);
        out.append(name).append('{').append(checked(label)).append("=\"").append(escapeLabel(value)).append("\"} 1\n");
        return this;
    }

    /**
     * A histogram: cumulative counts per upper bound (seconds or any unit, ascending; {@code cumulative[i]} is the
     * number of observations at most {@code bounds[i]}), then the {@code +Inf} bucket ({@code count}), the sum and the
     * count, as {@code name_bucket{le="..."}}, {@code name_sum} and {@code name_count}.
     */
    PrometheusText histogram(String name, String help, List<Double> bounds, List<Long> cumulative, long count,
                             double sum) {
        if (bounds.size() != cumulative.size()) {
            throw new IllegalArgumentException("one count per bound");
        }
        header(name, "histogram", help);
        for (int i = 0; i < bounds.size(); i++) {
            out.append(name).append("_bucket{le=\"").append(BigDecimal.valueOf(bounds.get(i)).stripTrailingZeros().toPlainString())
                    .append("\"} ").append(cumulative.get(i)).append('\n');
        }
        out.append(name).append("_bucket{le=\"+Inf\"} ").append(count).append('\n');
        out.append(name).append("_sum ").append(sum).append('\n');
        out.append(name).append("_count ").append(count).append('\n');
        return this;
    }

    private void header(String name, String type, String help) {
        out.append("# HELP ").append(checked(name)).append(' ').append(escapeHelp(help)).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static String checked(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a Prometheus metric or label name: " + name);
        }
        return name;
    }

    private static String escapeLabel(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
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
