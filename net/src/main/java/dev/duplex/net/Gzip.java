package dev.duplex.net;

import dev.duplex.core.handshake.HttpRequest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * Content-coding for static files: which types are worth compressing, whether a request accepts gzip, and the
 * compression itself. Stateless.
 */
final class Gzip {
    /** Files larger than this are sent as they are (compression runs in memory, on the file-read threads). */
    static final int MAX_INPUT = 1 << 20;
    /** Below this the gzip header costs more than it saves. */
    static final int MIN_INPUT = 256;

    private Gzip() {
    }

    /** Text-like types: HTML, CSS, JavaScript, JSON, XML, SVG, plain text, wasm. */
    static boolean compressible(String contentType) {
        String t = contentType.toLowerCase(Locale.ROOT);
        return t.startsWith("text/") || t.startsWith("application/json") || t.startsWith("application/xml")
                || t.startsWith("image/svg+xml") || t.startsWith("application/wasm");
    }

    /** Whether {@code Accept-Encoding} lists gzip (or {@code *}) with a non-zero quality. */
    static boolean accepted(HttpRequest request) {
        for (String value : request.headers().all("Accept-Encoding")) {
            for (String item : value.split(",")) {
                String[] parts = item.split(";");
                String coding = parts[0].strip().toLowerCase(Locale.ROOT);
                if (!coding.equals("gzip") && !coding.equals("x-gzip") && !coding.equals("*")) {
                    continue;
                }
                boolean zero = false;
                for (int i = 1; i < parts.length; i++) {
                    String p = parts[i].strip().toLowerCase(Locale.ROOT);
                    if (p.startsWith("q=")) {
                        zero = p.substring(2).strip().matches("0(\\.0{0,3})?");
                    }
                }
                if (!zero) {
                    return true;
                }
            }
        }
        return false;
    }

    static byte[] compress(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array stream does not fail
        }
        return out.toByteArray();
    }
}
