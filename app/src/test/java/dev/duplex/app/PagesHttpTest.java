package dev.duplex.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The built-in pages and /duplex.js over HTTP: validators, 304, gzip, whether from the classpath or ClasspathFile. */
@Timeout(60)
class PagesHttpTest {
    private final HttpClient http = HttpClient.newHttpClient();
    @TempDir
    Path site;

    private HttpResponse<byte[]> get(Serving s, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.httpBase() + path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] resource(String name) throws Exception {
        try (InputStream in = PagesHttpTest.class.getClassLoader().getResourceAsStream("web/" + name)) {
            return in.readAllBytes();
        }
    }

    private static byte[] gunzip(byte[] bytes) throws Exception {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        }
    }

    @Test
    void builtInPagesRevalidateAndCompress() throws Exception {
        try (Serving s = ServeCommandTest.start("--memory", "--no-demo")) {
            for (String page : new String[] {"chat.js", "duplex.js", "status.js", "style.css", "live.html"}) {
                HttpResponse<byte[]> plain = get(s, "/" + page);
                assertEquals(200, plain.statusCode(), page);
                assertArrayEquals(resource(page), plain.body(), page);
                assertEquals("no-cache", plain.headers().firstValue("Cache-Control").orElseThrow(), page);
                String etag = plain.headers().firstValue("ETag").orElseThrow();
                assertEquals(304, get(s, "/" + page, "If-None-Match", etag).statusCode(), page);
                HttpResponse<byte[]> gz = get(s, "/" + page, "Accept-Encoding", "gzip");
                assertEquals("gzip", gz.headers().firstValue("Content-Encoding").orElseThrow(), page);
                assertArrayEquals(resource(page), gunzip(gz.body()), page);
            }
            HttpResponse<byte[]> index = get(s, "/");
            assertArrayEquals(resource("index.html"), index.body());
        }
    }

    @Test
    void theClientLibraryNextToAStaticDirectoryIsServedTheSameWay() throws Exception {
        Files.writeString(site.resolve("index.html"), "<p>mine</p>");
        try (Serving s = ServeCommandTest.start("--memory", "--no-demo", "--static", site.toString())) {
            HttpResponse<byte[]> plain = get(s, "/duplex.js");
            assertArrayEquals(resource("duplex.js"), plain.body());
            String etag = plain.headers().firstValue("ETag").orElseThrow();
            String lastModified = plain.headers().firstValue("Last-Modified").orElseThrow();
            assertEquals("no-cache", plain.headers().firstValue("Cache-Control").orElseThrow());
            HttpResponse<byte[]> again = get(s, "/duplex.js", "If-None-Match", etag);
            assertEquals(304, again.statusCode());
            assertEquals(0, again.body().length);
            assertEquals(304, get(s, "/duplex.js", "If-Modified-Since", lastModified).statusCode());
            assertEquals(200, get(s, "/duplex.js", "If-None-Match", "\"stale\"").statusCode());
            HttpResponse<byte[]> gz = get(s, "/duplex.js", "Accept-Encoding", "br, gzip");
            assertEquals("gzip", gz.headers().firstValue("Content-Encoding").orElseThrow());
            assertArrayEquals(resource("duplex.js"), gunzip(gz.body()));
            assertEquals(304, get(s, "/duplex.js", "Accept-Encoding", "gzip", "If-None-Match",
                    gz.headers().firstValue("ETag").orElseThrow()).statusCode());
            assertFalse(get(s, "/duplex.js", "Accept-Encoding", "gzip;q=0").headers()
                    .firstValue("Content-Encoding").isPresent());
            assertEquals("<p>mine</p>", new String(get(s, "/").body()));
        }
    }
}
