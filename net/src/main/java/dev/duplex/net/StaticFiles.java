package dev.duplex.net;

import dev.duplex.core.handshake.HttpRequest;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves files for plain GET and HEAD requests from a directory or a classpath folder. A request path is
 * percent-decoded once, then refused (null, answered 404) if any segment is {@code ..} or {@code .}, contains a
 * backslash, NUL or a colon, or the path is not absolute; a directory maps to its {@code index.html}.
 *
 * <p>Every answer carries {@code ETag}, {@code Last-Modified} and {@code Cache-Control: no-cache} (browsers keep
 * the file but ask again before each use, so a changed page is seen at once and an unchanged one costs a 304);
 * {@code If-None-Match} / {@code If-Modified-Since} get 304. Text types are gzipped for clients that accept it
 * (files from {@link Gzip#MIN_INPUT} to {@link Gzip#MAX_INPUT} bytes). A directory file's tag is its size and
 * modification time; a classpath resource's is a hash of its bytes, and resources up to {@link #CACHE_ENTRY_MAX}
 * are kept in memory with their gzip (at most {@link #CACHE_BUDGET} bytes in all), since they cannot change while
 * the server runs.
 *
 * <p><b>Threading:</b> thread-safe. {@link #serve} does all file I/O on {@link FileReads}' threads, never on the
 * caller's (an event loop); directory files above {@link #STREAM_ABOVE} bytes are not read here at all but handed
 * back open, to be streamed in chunks. Classpath resources are read whole, up to {@link #MAX_RESOURCE_BYTES}.
 */
final class StaticFiles {
    static final long MAX_RESOURCE_BYTES = 32L << 20;
    static final int STREAM_ABOVE = 64 << 10;
    static final int CACHE_ENTRY_MAX = 1 << 20;
    static final long CACHE_BUDGET = 16L << 20;
    private static final String CACHE_CONTROL = "no-cache";

    private final Path directory;
    private final String classpathRoot;
    private final ClassLoader loader;
    /** Classpath resources by name; never removed (they cannot change), bounded by {@link #CACHE_BUDGET}. */
    private final ConcurrentHashMap<String, Resource> cache = new ConcurrentHashMap<>();
    private final AtomicLong cachedBytes = new AtomicLong();
    /** Last-Modified of classpath resources: when the server was built, to the second. */
    private final long startMillis = System.currentTimeMillis() / 1000 * 1000;

    private StaticFiles(Path directory, String classpathRoot, ClassLoader loader) {
        this.directory = directory;
        this.classpathRoot = classpathRoot;
        this.loader = loader;
    }

    static StaticFiles fromDirectory(Path directory) {
        return new StaticFiles(directory.toAbsolutePath().normalize(), null, null);
    }

    static StaticFiles fromClasspath(String folder, ClassLoader loader) {
        String root = folder.replaceAll("^/+|/+$", "");
        return new StaticFiles(null, root, loader);
    }

    /** A classpath resource's bytes, validators and, if worth it, gzip. */
    private record Resource(String contentType, byte[] bytes, byte[] gzip, String etag) {
    }

    /**
     * The answer to a GET or HEAD for a file, produced off the caller's thread: 200 (in memory or streamed), 304,
     * 404, 500 when reading fails, or 503 when the file threads' queue is full. Never completes exceptionally.
     */
    CompletableFuture<StaticReply> serve(HttpRequest request, boolean keepAlive) {
        CompletableFuture<StaticReply> result = new CompletableFuture<>();
        try {
            FileReads.executor().execute(() -> {
                try {
                    result.complete(answer(request, keepAlive));
                } catch (IOException | RuntimeException e) {
                    result.complete(text(500, "Internal Server Error", "cannot read the file", request, keepAlive));
                }
            });
        } catch (RejectedExecutionException e) {
            result.complete(text(503, "Service Unavailable", "busy: try again", request, false));
        }
        return result;
    }

    private StaticReply answer(HttpRequest request, boolean keepAlive) throws IOException {
        List<String> segments = safeSegments(request.path());
        if (segments == null) {
            return notFound(request, keepAlive);
        }
        if (segments.isEmpty() || request.path().endsWith("/")) {
            segments.add("index.html");
        }
        return directory != null ? fromDirectory(segments, request, keepAlive)
                : fromClasspath(segments, request, keepAlive);
    }

    /** The decoded path segments, or null when the path tries to leave the root or is malformed. */
    static List<String> safeSegments(String requestPath) {
        if (requestPath == null || !requestPath.startsWith("/") || requestPath.startsWith("//")) {
            return null;
        }
        String decoded;
        try {
            decoded = URLDecoder.decode(requestPath.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (decoded.indexOf('\\') >= 0 || decoded.indexOf('\0') >= 0 || decoded.indexOf(':') >= 0) {
            return null;
        }
        List<String> segments = new ArrayList<>();
        for (String s : decoded.substring(1).split("/", -1)) {
            if (s.equals("..") || s.equals(".")) {
                return null;
            }
            if (!s.isEmpty()) {
                segments.add(s);
            }
        }
        return segments;
    }

    private StaticReply fromDirectory(List<String> segments, HttpRequest request, boolean keepAlive)
            throws IOException {
        Path file = directory;
        for (String s : segments) {
            file = file.resolve(s);
        }
        file = file.normalize();
        if (!file.startsWith(directory)) {
            return notFound(request, keepAlive);
        }
        if (Files.isDirectory(file)) {
            file = file.resolve("index.html");
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return notFound(request, keepAlive);
        }
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        long size = attributes.size();
        long modified = attributes.lastModifiedTime().toMillis();
        String etag = HttpValidators.etag(Long.toHexString(size) + "-" + Long.toHexString(modified));
        String type = ContentTypes.of(file.getFileName().toString());
        boolean head = request.method().equals("HEAD");
        boolean compressible = Gzip.compressible(type);
        boolean gzip = compressible && size >= Gzip.MIN_INPUT && size <= Gzip.MAX_INPUT && Gzip.accepted(request);
        if (HttpValidators.notModified(request, etag, modified)) {
            return notModified(gzip ? HttpValidators.gzipVariant(etag) : etag, modified, type, keepAlive);
        }
        if (gzip) {
            byte[] gz = Gzip.compress(Files.readAllBytes(file));
            return ok(type, gz, true, etag, modified, head, keepAlive, true);
        }
        if (head) {
            ByteBuffer h = okHead(type, size, false, etag, modified, keepAlive, compressible);
            return StaticReply.inMemory(200, h, null, keepAlive);
        }
        if (size <= STREAM_ABOVE) {
            return ok(type, Files.readAllBytes(file), false, etag, modified, false, keepAlive, compressible);
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        return StaticReply.streamed(okHead(type, size, false, etag, modified, keepAlive, compressible), channel, size,
                keepAlive);
    }

    private StaticReply fromClasspath(List<String> segments, HttpRequest request, boolean keepAlive)
            throws IOException {
        String name = (classpathRoot.isEmpty() ? "" : classpathRoot + "/") + String.join("/", segments);
        Resource resource = cache.get(name);
        if (resource == null) {
            resource = load(name, segments.get(segments.size() - 1));
            if (resource == null) {
                return notFound(request, keepAlive);
            }
        }
        boolean head = request.method().equals("HEAD");
        boolean compressible = Gzip.compressible(resource.contentType());
        boolean gzip = resource.gzip() != null && Gzip.accepted(request);
        if (HttpValidators.notModified(request, resource.etag(), startMillis)) {
            String etag = gzip ? HttpValidators.gzipVariant(resource.etag()) : resource.etag();
            return notModified(etag, startMillis, resource.contentType(), keepAlive);
        }
        if (gzip) {
            return ok(resource.contentType(), resource.gzip(), true, resource.etag(), startMillis, head, keepAlive,
                    true);
        }
        return ok(resource.contentType(), resource.bytes(), false, resource.etag(), startMillis, head, keepAlive,
                compressible);
    }

    private Resource load(String name, String fileName) throws IOException {
        if (name.endsWith("/") || name.isEmpty()) {
            return null;
        }
        var url = loader.getResource(name);
        if (url == null || ("file".equals(url.getProtocol()) && Files.isDirectory(Path.of(url.getPath())))) {
            return null;
        }
        byte[] bytes;
        try (InputStream in = url.openStream()) {
            bytes = in.readNBytes((int) MAX_RESOURCE_BYTES + 1);
        }
        if (bytes.length > MAX_RESOURCE_BYTES) {
            return null;
        }
        String type = ContentTypes.of(fileName);
        byte[] gzip = null;
        if (Gzip.compressible(type) && bytes.length >= Gzip.MIN_INPUT && bytes.length <= Gzip.MAX_INPUT) {
            gzip = Gzip.compress(bytes);
            if (gzip.length >= bytes.length) {
                gzip = null;
            }
        }
        Resource r = new Resource(type, bytes, gzip, HttpValidators.etag(hash(bytes)));
        long size = bytes.length + (gzip == null ? 0 : gzip.length);
        if (bytes.length <= CACHE_ENTRY_MAX && cachedBytes.addAndGet(size) <= CACHE_BUDGET) {
            Resource earlier = cache.putIfAbsent(name, r);
            if (earlier != null) {
                cachedBytes.addAndGet(-size);
                return earlier;
            }
        } else if (bytes.length <= CACHE_ENTRY_MAX) {
            cachedBytes.addAndGet(-size);
        }
        return r;
    }

    private static String hash(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    private static StaticReply ok(String type, byte[] body, boolean gzip, String etag, long modified, boolean head,
                                  boolean keepAlive, boolean varies) {
        ByteBuffer h = okHead(type, body.length, gzip, etag, modified, keepAlive, varies);
        return StaticReply.inMemory(200, h, head ? null : ByteBuffer.wrap(body), keepAlive);
    }

    private static ByteBuffer okHead(String type, long length, boolean gzip, String etag, long modified,
                                     boolean keepAlive, boolean varies) {
        List<String> headers = new ArrayList<>(12);
        headers.addAll(List.of("ETag", gzip ? HttpValidators.gzipVariant(etag) : etag,
                "Last-Modified", HttpValidators.date(modified), "Cache-Control", CACHE_CONTROL,
                "X-Content-Type-Options", "nosniff"));
        if (gzip) {
            headers.addAll(List.of("Content-Encoding", "gzip"));
        }
        if (varies) {
            headers.addAll(List.of("Vary", "Accept-Encoding"));
        }
        return HttpResponseWriter.head(200, "OK", type, length, keepAlive, headers.toArray(new String[0]));
    }

    private static StaticReply notModified(String etag, long modified, String type, boolean keepAlive) {
        List<String> headers = new ArrayList<>(List.of("ETag", etag, "Last-Modified", HttpValidators.date(modified),
                "Cache-Control", CACHE_CONTROL));
        if (Gzip.compressible(type)) {
            headers.addAll(List.of("Vary", "Accept-Encoding"));
        }
        return StaticReply.inMemory(304, HttpResponseWriter.head(304, "Not Modified", null, -1, keepAlive,
                headers.toArray(new String[0])), null, keepAlive);
    }

    private static StaticReply notFound(HttpRequest request, boolean keepAlive) {
        return text(404, "Not Found", "not found", request, keepAlive);
    }

    private static StaticReply text(int status, String reason, String body, HttpRequest request, boolean keepAlive) {
        ByteBuffer[] b = HttpResponseWriter.text(status, reason, body, request.method().equals("HEAD"), keepAlive);
        return StaticReply.inMemory(status, b[0], b.length > 1 ? b[1] : null, keepAlive);
    }
}
