package dev.duplex.app;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses sizes the way people write them: {@code 65536}, {@code 64KiB}, {@code 16MiB}, {@code 1GiB} (powers of
 * 1024; {@code K}, {@code M}, {@code G} and {@code KB}, {@code MB}, {@code GB} mean the same), case-insensitive.
 */
final class ByteSizeConverter implements ITypeConverter<Long> {
    private static final Pattern FORM = Pattern.compile("(\\d{1,12})\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?");

    @Override
    public Long convert(String value) {
        Matcher m = FORM.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new TypeConversionException("'" + value + "' is not a size such as 65536, 64KiB or 16MiB");
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        int shift = switch (unit.charAt(0)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            default -> 0;
        };
        if (amount > (Long.MAX_VALUE >> shift)) {
            throw new TypeConversionException("'" + value + "' is too large");
        }
        return amount << shift;
    }

    /** {@code 16 MiB}, {@code 64 KiB} or {@code 1000 bytes}: the largest exact unit. */
    static String format(long bytes) {
        if (bytes >= 1 << 30 && bytes % (1 << 30) == 0) {
            return (bytes >> 30) + " GiB";
        } else if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
            return (bytes >> 20) + " MiB";
        } else if (bytes >= 1 << 10 && bytes % (1 << 10) == 0) {
            return (bytes >> 10) + " KiB";
        }
        return bytes + " bytes";
    }
}
