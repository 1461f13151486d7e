package dev.duplex.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Serves files for plain GET and HEAD requests from a directory or a classpath folder. A request path is
 * percent-decoded once, then refused (null, answered 404) if any segment is {@code ..} or {@code .}, contains a
 * backslash, NUL or a colon, or the path is not absolute; a directory maps to its {@code index.html}. Files are
 * read whole, up to {@link #MAX_FILE_BYTES}.
 *
 * <p>Thread-safe (immutable). File reads are blocking but short; they run on the event loop.
 */
final class StaticFiles {
    static final long MAX_FILE_BYTES = 32L << 20;

    private final Path directory;
    private final String classpathRoot;
    private final ClassLoader loader;

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

    /** A file found for a request: its name (for the content type) and bytes. */
    record Found(String name, byte[] bytes) {
    }

    /** The file for {@code requestPath} (the path part of the target, still encoded), or null if none. */
    Found find(String requestPath) throws IOException {
        List<String> segments = safeSegments(requestPath);
        if (segments == null) {
            return null;
        }
        if (segments.isEmpty() || requestPath.endsWith("/")) {
            segments.add("index.html");
        }
        return directory != null ? fromDirectory(segments) : fromClasspath(segments);
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

    private Found fromDirectory(List<String> segments) throws IOException {
        Path file = directory;
        for (String s : segments) {
            file = file.resolve(s);
        }
        file = file.normalize();
        if (!file.startsWith(directory)) {
            return null;
        }
        if (Files.isDirectory(file)) {
            file = file.resolve("index.html");
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > MAX_FILE_BYTES) {
            return null;
        }
        return new Found(file.getFileName().toString(), Files.readAllBytes(file));
    }

    private Found fromClasspath(List<String> segments) throws IOException {
        String name = (classpathRoot.isEmpty() ? "" : classpathRoot + "/") + String.join("/", segments);
        if (name.endsWith("/") || name.isEmpty()) {
            return null;
        }
        var url = loader.getResource(name);
        if (url == null || ("file".equals(url.getProtocol()) && Files.isDirectory(Path.of(url.getPath())))) {
            return null;
        }
        try (InputStream in = url.openStream()) {
            byte[] bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                return null;
            }
            return new Found(segments.get(segments.size() - 1), bytes);
        }
    }
}
