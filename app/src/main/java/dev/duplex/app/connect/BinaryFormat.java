package dev.duplex.app.connect;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/** How {@code duplex connect} prints a binary message: lowercase hex (the default, what {@code /binary} takes) or base64. */
enum BinaryFormat {
    HEX {
        @Override
        String format(byte[] data) {
            return HexFormat.of().formatHex(data);
        }
    },
    BASE64 {
        @Override
        String format(byte[] data) {
            return Base64.getEncoder().encodeToString(data);
        }
    };

    abstract String format(byte[] data);

    /** Reads {@code hex} or {@code base64}, in any case. */
    static final class Converter implements ITypeConverter<BinaryFormat> {
        @Override
        public BinaryFormat convert(String value) {
            try {
                return valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("expected hex or base64, got '" + value + "'");
            }
        }
    }
}
