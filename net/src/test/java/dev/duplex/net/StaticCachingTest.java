package dev.duplex.net;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Static files and classpath resources: validators, 304, Cache-Control, gzip, HEAD, and no blocking on the loop. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StaticCachingTest {
    @TempDir
    Path site;
    private WebSocketServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private String text;

    private void startWithDirectory() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            sb.append("console.log('line ").append(i).append(" of a script that compresses');\n");
        }
        text = sb.toString();
        Files.writeString(site.resolve("app.js"), text);
        Files.write(site.resolve("logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1).staticFiles(site)
                .endpoint("/ws", new ServerEvents(true)).build().start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void aFileCarriesValidatorsAndIsNotSentAgainWhenUnchanged() throws Exception {
        startWithDirectory();
        HttpResponse<byte[]> first = get("/app.js");
        assertEquals(200, first.statusCode());
        String etag = first.headers().firstValue("ETag").orElseThrow();
        String lastModified = first.headers().firstValue("Last-Modified").orElseThrow();
        assertEquals("no-cache", first.headers().firstValue("Cache-Control").orElseThrow());
        assertEquals(text, new String(first.body(), StandardCharsets.UTF_8));

        HttpResponse<byte[]> byTag = get("/app.js", "If-None-Match", etag);
        assertEquals(304, byTag.statusCode());
        assertEquals(0, byTag.body().length);
        assertEquals(etag, byTag.headers().firstValue("ETag").orElseThrow());
        assertEquals(304, get("/app.js", "If-Modified-Since", lastModified).statusCode());
        assertEquals(200, get("/app.js", "If-None-Match", "\"other\"").statusCode());
        assertEquals(200, get("/app.js", "If-Modified-Since", "Thu, 01 Jan 1970 00:00:00 GMT").statusCode());

        Files.writeString(site.resolve("app.js"), "changed();");
        Files.setLastModifiedTime(site.resolve("app.js"), java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() + 5000));
        HttpResponse<byte[]> changed = get("/app.js", "If-None-Match", etag);
        assertEquals(200, changed.statusCode(), "a changed file has a new tag");
        assertNotEquals(etag, changed.headers().firstValue("ETag").orElseThrow());
        assertEquals("changed();", new String(changed.body(), StandardCharsets.UTF_8));
    }

    @Test
    void textIsGzippedForClientsThatAcceptItAndDecodesToTheFile() throws Exception {
        startWithDirectory();
        HttpResponse<byte[]> gz = get("/app.js", "Accept-Encoding", "gzip, deflate");
        assertEquals("gzip", gz.headers().firstValue("Content-Encoding").orElseThrow());
        assertEquals("Accept-Encoding", gz.headers().firstValue("Vary").orElseThrow());
        assertTrue(gz.body().length < text.length() / 4, "compressed to " + gz.body().length);
        assertEquals(text, new String(gunzip(gz.body()), StandardCharsets.UTF_8));
        String gzTag = gz.headers().firstValue("ETag").orElseThrow();
        assertNotEquals(get("/app.js").headers().firstValue("ETag").orElseThrow(), gzTag,
                "each representation has its own tag");
        assertEquals(304, get("/app.js", "Accept-Encoding", "gzip", "If-None-Match", gzTag).statusCode());

        assertFalse(get("/app.js", "Accept-Encoding", "gzip;q=0").headers().firstValue("Content-Encoding")
                .isPresent(), "q=0 refuses gzip");
        HttpResponse<byte[]> png = get("/logo.png", "Accept-Encoding", "gzip");
        assertFalse(png.headers().firstValue("Content-Encoding").isPresent(), "images are sent as they are");
        assertArrayEquals(Files.readAllBytes(site.resolve("logo.png")), png.body());
    }

    @Test
    void headAnswersTheLengthOfTheRepresentationWithoutABody() throws Exception {
        startWithDirectory();
        try (RawClient raw = new RawClient(server.port())) {
            raw.send("HEAD /app.js HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n");
            RawClient.Response head = raw.readResponse(true);
            assertEquals(200, head.status());
            assertEquals("gzip", head.header("Content-Encoding"));
            raw.send("GET /app.js HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n");
            RawClient.Response get = raw.readResponse(false);
            assertEquals(head.header("Content-Length"), get.header("Content-Length"));
            assertEquals(head.header("ETag"), get.header("ETag"));
            assertEquals(text, new String(gunzip(get.body()), StandardCharsets.UTF_8),
                    "the GET right behind the HEAD reads as its own answer: no body followed the HEAD's head");
        }
    }

    @Test
    void classpathResourcesAreCachedWithAContentTagAndGzip() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1).staticResources("static-test")
                .build().start();
        byte[] page;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("static-test/page.html")) {
            page = in.readAllBytes();
        }
        HttpResponse<byte[]> plain = get("/page.html");
        assertArrayEquals(page, plain.body());
        assertEquals("no-cache", plain.headers().firstValue("Cache-Control").orElseThrow());
        assertTrue(plain.headers().firstValue("Last-Modified").isPresent());
        String etag = plain.headers().firstValue("ETag").orElseThrow();
        assertEquals(304, get("/page.html", "If-None-Match", etag).statusCode());
        assertEquals(304, get("/page.html", "If-None-Match", "W/" + etag).statusCode(), "compared weakly");

        HttpResponse<byte[]> gz = get("/page.html", "Accept-Encoding", "gzip");
        assertEquals("gzip", gz.headers().firstValue("Content-Encoding").orElseThrow());
        assertArrayEquals(page, gunzip(gz.body()));
        assertEquals(404, get("/missing.html").statusCode());
    }

    @Test
    void aLargeFileIsStreamedWithoutHoldingUpTheLoop() throws Exception {
        startWithDirectory();
        long size = 48L << 20;
        try (RandomAccessFile f = new RandomAccessFile(site.resolve("big.bin").toFile(), "rw")) {
            f.setLength(size); // sparse: quick to make, still read from the file system
            f.seek(size - 4);
            f.write(new byte[] {1, 2, 3, 4});
        }
        // A client asks for the big file and does not read it yet (a small receive buffer keeps it from
        // swallowing much), while a WebSocket on the same (single) loop echoes.
        try (RawClient slow = new RawClient(server.port(), 16 * 1024);
             RawClient ws = new RawClient(server.port())) {
            slow.send("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n");
            String head = slow.readHead();
            assertTrue(head.contains("Content-Length: " + size), head);
            ws.upgrade("/ws");
            for (int i = 0; i < 20; i++) {
                long t0 = System.nanoTime();
                byte[] payload = ("ping " + i).getBytes(StandardCharsets.UTF_8);
                ws.sendFrame(1, payload);
                assertArrayEquals(payload, ws.readFrame().payload());
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertTrue(ms < 2000, "echo " + i + " took " + ms + " ms while the file was being served");
            }
            // Now read it all: every byte arrives, the last four are the ones written at the end.
            byte[] sink = new byte[1 << 16];
            long got = 0;
            byte[] tail = new byte[4];
            while (got < size) {
                int n = slow.in.read(sink, 0, (int) Math.min(sink.length, size - got));
                assertTrue(n > 0, "the stream ended after " + got + " bytes");
                for (int i = 0; i < n; i++) {
                    long at = got + i;
                    if (at >= size - 4) {
                        tail[(int) (at - (size - 4))] = sink[i];
                    }
                }
                got += n;
            }
            assertArrayEquals(new byte[] {1, 2, 3, 4}, tail);
            // the connection is kept: a second request on it works
            slow.send("GET /logo.png HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(200, slow.readResponse(false).status());
        }
    }

    private static byte[] gunzip(byte[] bytes) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        }
    }
}
