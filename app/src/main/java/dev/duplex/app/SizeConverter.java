package dev.duplex.app;

import picocli.CommandLine;

import java.util.Locale;

/**
 * Reads a byte count for an option: a number of bytes, or with a binary suffix {@code k}, {@code m} or {@code g}
 * (KiB, MiB, GiB), e.g. {@code 256m}. Refuses zero, negatives and overflow with a message naming the format.
 */
final class SizeConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.endsWith("b")) {
            v = v.substring(0, v.length() - 1);
        }
        int shift = 0;
        if (!v.isEmpty()) {
            switch (v.charAt(v.length() - 1)) {
                case 'k' -> shift = 10;
                case 'm' -> shift = 20;
                case 'g' -> shift = 30;
                default -> shift = 0;
            }
        }
        String digits = shift == 0 ? v : v.substring(0, v.length() - 1);
        long n;
        try {
            n = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("not a size: '" + value + "' (bytes, or e.g. 512k, 256m, 1g)");
        }
        if (n < 1 || n > (Long.MAX_VALUE >> shift)) {
            throw new CommandLine.TypeConversionException("size out of range: '" + value + "'");
        }
        return n << shift;
    }
}
