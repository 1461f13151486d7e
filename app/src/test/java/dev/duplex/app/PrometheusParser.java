package dev.duplex.app;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text format as {@code /metrics} writes it: checks the content type, that every
 * sample has a {@code # TYPE} before it (a histogram's {@code _bucket}, {@code _sum} and {@code _count} that of its
 * name), that counters end in {@code _total}, and that samples are unique, then returns each sample's name (with
 * its labels as written, e.g. {@code x_bucket{le="0.5"}}) to its value.
 */
final class PrometheusParser {
    private static final Pattern HELP = Pattern.compile("# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .+");
    private static final Pattern TYPE = Pattern.compile("# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram)");
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\"})? (-?[0-9.eE+-]+|NaN)");
    private static final Pattern HISTOGRAM_PART = Pattern.compile("(.+)_(bucket|sum|count)");

    static Map<String, Double> parse(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw new AssertionError("/metrics answered " + response.statusCode());
        }
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (!type.startsWith("text/plain; version=0.0.4")) {
            throw new AssertionError("not the Prometheus text content type: " + type);
        }
        return parse(response.body());
    }

    static Map<String, Double> parse(String text) {
        Map<String, String> types = new HashMap<>();
        Set<String> helped = new HashSet<>();
        Map<String, Double> values = new LinkedHashMap<>();
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            Matcher m;
            if ((m = HELP.matcher(line)).matches()) {
                helped.add(m.group(1));
            } else if ((m = TYPE.matcher(line)).matches()) {
                if (types.put(m.group(1), m.group(2)) != null) {
                    throw new AssertionError("two TYPE lines for " + m.group(1));
                }
                if (m.group(2).equals("counter") && !m.group(1).endsWith("_total")) {
                    throw new AssertionError("a counter without _total: " + m.group(1));
                }
            } else if ((m = SAMPLE.matcher(line)).matches()) {
                String name = m.group(1);
                Matcher part = HISTOGRAM_PART.matcher(name);
                String family = part.matches() && "histogram".equals(types.get(part.group(1))) ? part.group(1) : name;
                if (!types.containsKey(family) || !helped.contains(family)) {
                    throw new AssertionError("sample without HELP and TYPE: " + line);
                }
                if (types.get(family).equals("histogram") && family.equals(name)) {
                    throw new AssertionError("a histogram sample without _bucket, _sum or _count: " + line);
                }
                String key = m.group(2) == null ? name : name + m.group(2);
                if (values.put(key, Double.parseDouble(m.group(3))) != null) {
                    throw new AssertionError("two samples for " + key);
                }
            } else {
                throw new AssertionError("not a Prometheus text line: '" + line + "'");
            }
        }
        if (!text.endsWith("\n")) {
            throw new AssertionError("the exposition must end with a newline");
        }
        return values;
    }
}
