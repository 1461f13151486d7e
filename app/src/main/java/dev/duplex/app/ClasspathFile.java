package dev.duplex.app;

import dev.duplex.core.handshake.HttpRequest;
import dev.duplex.net.HttpHandler;
import dev.duplex.net.HttpReply;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * Serves one classpath resource at one path (e.g. {@code /duplex.js} next to a user's {@code --static} directory),
 * the way the server serves its static files: {@code ETag} (a hash of the bytes), {@code Last-Modified} (when this
 * handler was built), {@code Cache-Control: no-cache} (browsers revalidate, so a new version is seen at once),
 * 304 for a matching {@code If-None-Match} / {@code If-Modified-Since}, and gzip for clients that accept it. The
 * bytes and their gzip are made once, when built; the handler does no I/O. Immutable and thread-safe.
 */
final class ClasspathFile implements HttpHandler {
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private final String contentType;
    private final byte[] bytes;
    private final byte[] gzip;
    private final String etag;
    private final long modifiedSeconds = Instant.now().getEpochSecond();
    private final String lastModified = HTTP_DATE.format(Instant.ofEpochSecond(modifiedSeconds));

    /** @throws UncheckedIOException if the resource is missing or unreadable */
    ClasspathFile(String resource, String contentType) {
        this.contentType = contentType;
        try (InputStream in = ClasspathFile.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing resource " + resource);
            }
            this.bytes = in.readAllBytes();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(bytes);
            }
            this.gzip = out.toByteArray();
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            this.etag = "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22) + "\"";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    @Override
    public HttpReply handle(HttpRequest request) {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return HttpReply.text(405, "GET only").withHeader("Allow", "GET, HEAD");
        }
        boolean gzipped = acceptsGzip(request);
        String tag = gzipped ? etag.substring(0, etag.length() - 1) + "-gz\"" : etag;
        HttpReply reply = notModified(request)
                ? HttpReply.of(304, contentType, new byte[0])
                : HttpReply.of(200, contentType, gzipped ? gzip : bytes).withHeader("X-Content-Type-Options", "nosniff");
        if (gzipped && reply.status() == 200) {
            reply = reply.withHeader("Content-Encoding", "gzip");
        }
        return reply.withHeader("ETag", tag).withHeader("Last-Modified", lastModified)
                .withHeader("Cache-Control", "no-cache").withHeader("Vary", "Accept-Encoding");
    }

    private boolean notModified(HttpRequest request) {
        String ifNoneMatch = request.headers().first("If-None-Match");
        if (ifNoneMatch != null) {
            String mine = etag.substring(1, etag.length() - 1);
            for (String candidate : ifNoneMatch.split(",")) {
                String c = candidate.strip().replaceFirst("^W/", "").replace("\"", "").replaceFirst("-gz$", "");
                if (c.equals("*") || c.equals(mine)) {
                    return true;
                }
            }
            return false;
        }
        String since = request.headers().first("If-Modified-Since");
        if (since == null) {
            return false;
        }
        try {
            return modifiedSeconds <= Instant.from(HTTP_DATE.parse(since.strip())).getEpochSecond();
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static boolean acceptsGzip(HttpRequest request) {
        for (String value : request.headers().all("Accept-Encoding")) {
            for (String item : value.toLowerCase(Locale.ROOT).split(",")) {
                String[] parts = item.split(";");
                if (parts[0].strip().equals("gzip")
                        && (parts.length < 2 || !parts[1].strip().matches("q=0(\\.0*)?"))) {
                    return true;
                }
            }
        }
        return false;
    }
}
