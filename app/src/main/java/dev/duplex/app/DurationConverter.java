package dev.duplex.app;

import picocli.CommandLine;

import java.time.Duration;
import java.util.Locale;

/**
 * Reads a duration for an option: a number with a unit {@code ms}, {@code s}, {@code m} or {@code h}, or a plain
 * number of seconds, e.g. {@code 500ms}, {@code 30s}, {@code 30}. Zero is allowed (the option says what it means);
 * negatives are refused.
 */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            Duration d;
            if (v.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            } else if (v.endsWith("s")) {
                d = Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
            } else if (v.endsWith("m")) {
                d = Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
            } else if (v.endsWith("h")) {
                d = Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
            } else {
                d = Duration.ofSeconds(Long.parseLong(v));
            }
            if (d.isNegative()) {
                throw new CommandLine.TypeConversionException("a duration must not be negative: '" + value + "'");
            }
            return d;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new CommandLine.TypeConversionException("not a duration: '" + value
                    + "' (e.g. 500ms, 30s, 5m, or seconds)");
        }
    }
}
