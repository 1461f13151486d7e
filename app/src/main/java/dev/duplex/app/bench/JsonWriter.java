package dev.duplex.app.bench;

import java.util.Locale;

/**
 * Writes one JSON object, field by field, into a string: just what the bench report needs (strings, numbers,
 * booleans, null, nested objects), so the app needs no JSON library. Not thread-safe.
 */
final class JsonWriter {
    private final StringBuilder out = new StringBuilder();
    private boolean first = true;

    JsonWriter begin() {
        out.append('{');
        first = true;
        return this;
    }

    JsonWriter end() {
        out.append('}');
        first = false;
        return this;
    }

    /** Starts a nested object as the value of {@code name}; close it with {@link #end()}. */
    JsonWriter object(String name) {
        name(name);
        return begin();
    }

    JsonWriter field(String name, String value) {
        name(name);
        if (value == null) {
            out.append("null");
        } else {
            string(value);
        }
        return this;
    }

    JsonWriter field(String name, long value) {
        name(name);
        out.append(value);
        return this;
    }

    JsonWriter field(String name, boolean value) {
        name(name);
        out.append(value);
        return this;
    }

    /** A number with up to three decimals; NaN, infinities and negative "unknown" markers become null. */
    JsonWriter field(String name, double value, boolean negativeMeansUnknown) {
        name(name);
        if (Double.isNaN(value) || Double.isInfinite(value) || negativeMeansUnknown && value < 0) {
            out.append("null");
        } else {
            String s = String.format(Locale.ROOT, "%.3f", value);
            out.append(s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", ".0") : s);
        }
        return this;
    }

    JsonWriter nullField(String name) {
        name(name);
        out.append("null");
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }

    private void name(String name) {
        if (!first) {
            out.append(',');
        }
        first = false;
        string(name);
        out.append(':');
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
