package dev.duplex.app;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP/1.1 proxy for tests, on 127.0.0.1, in front of one server: it answers every request that asks for
 * {@code Upgrade} (WebSocket) with 403, as proxies that refuse upgrades do, and forwards every other request on an
 * upstream connection of its own, one request per connection ({@code Connection: close} both ways), streaming the
 * answer back as it arrives so Server-Sent Events pass. With {@link #bufferEventStreams} it instead holds an
 * event-stream answer until it ends (as buffering middleboxes do), so nothing of a stream ever passes. The
 * {@code Host} header is kept, so the server sees pages loaded through the proxy as its own origin.
 */
final class UpgradeRefusingProxy implements AutoCloseable {
    private static final int MAX_HEAD = 64 * 1024;

    private final ServerSocket listener;
    private final int targetPort;
    private final boolean bufferEventStreams;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Set<Socket> eventStreams = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    /** Requests answered 403 because they asked for an upgrade. */
    final AtomicInteger refusedUpgrades = new AtomicInteger();
    /** Requests forwarded, by path (query left out): "/hub/sse", "/hub/poll", ... */
    final Set<String> forwardedPaths = ConcurrentHashMap.newKeySet();

    private UpgradeRefusingProxy(int targetPort, boolean bufferEventStreams) throws IOException {
        this.targetPort = targetPort;
        this.bufferEventStreams = bufferEventStreams;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "proxy-accept-" + listener.getLocalPort());
        accept.setDaemon(true);
        accept.start();
    }

    /** A proxy to {@code 127.0.0.1:targetPort} that refuses upgrades and streams answers. */
    static UpgradeRefusingProxy start(int targetPort) throws IOException {
        return new UpgradeRefusingProxy(targetPort, false);
    }

    /** As {@link #start}, and it holds every {@code text/event-stream} answer until that answer ends. */
    static UpgradeRefusingProxy startBufferingEventStreams(int targetPort) throws IOException {
        return new UpgradeRefusingProxy(targetPort, true);
    }

    int port() {
        return listener.getLocalPort();
    }

    String httpBase() {
        return "http://127.0.0.1:" + port();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            sockets.add(client);
            Thread t = new Thread(() -> serve(client), "proxy-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket client) {
        Socket upstream = null;
        try {
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            List<String> request = readHead(in);
            if (request == null) {
                return;
            }
            if (header(request, "upgrade") != null) {
                refusedUpgrades.incrementAndGet();
                out.write(("HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n"
                        + "Connection: close\r\n\r\nno upgrades").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                return;
            }
            String target = request.get(0).split(" ")[1];
            int q = target.indexOf('?');
            String path = q < 0 ? target : target.substring(0, q);
            forwardedPaths.add(path);
            if (path.equals("/hub/sse")) {
                eventStreams.add(client);
            }
            upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
            sockets.add(upstream);
            OutputStream up = upstream.getOutputStream();
            up.write(render(withConnectionClose(request)));
            String length = header(request, "content-length");
            copy(in, up, length == null ? 0 : Long.parseLong(length.trim()));
            up.flush();
            // the client sends nothing more (Connection: close): when it goes away, so does the upstream call
            Socket upstreamToClose = upstream;
            Thread watch = new Thread(() -> {
                try {
                    while (in.read() != -1) {
                        // ignore
                    }
                } catch (IOException ignored) {
                    // closed
                }
                closeQuietly(upstreamToClose);
            }, "proxy-watch");
            watch.setDaemon(true);
            watch.start();

            InputStream down = new BufferedInputStream(upstream.getInputStream());
            List<String> response = readHead(down);
            if (response == null) {
                return;
            }
            String type = header(response, "content-type");
            boolean hold = bufferEventStreams && type != null && type.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
            if (hold) {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                down.transferTo(all);
                out.write(render(withConnectionClose(response)));
                all.writeTo(out);
            } else {
                out.write(render(withConnectionClose(response)));
                out.flush();
                byte[] buffer = new byte[8192];
                for (int n; (n = down.read(buffer)) != -1; ) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
            out.flush();
        } catch (IOException e) {
            // one side went away: end both
        } finally {
            closeQuietly(client);
            sockets.remove(client);
            eventStreams.remove(client);
            if (upstream != null) {
                closeQuietly(upstream);
                sockets.remove(upstream);
            }
        }
    }

    /** The head's lines (request or status line first), or null at end of stream before one. */
    private static List<String> readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
            int b = in.read();
            if (b == -1) {
                return null;
            }
            if (head.length() == MAX_HEAD) {
                throw new IOException("head too large");
            }
            head.append((char) b);
        }
        return new ArrayList<>(List.of(head.substring(0, head.length() - 4).split("\r\n")));
    }

    private static String header(List<String> head, String name) {
        for (String line : head.subList(1, head.size())) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    private static List<String> withConnectionClose(List<String> head) {
        List<String> out = new ArrayList<>();
        out.add(head.get(0));
        for (String line : head.subList(1, head.size())) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (!lower.startsWith("connection:") && !lower.startsWith("keep-alive:")) {
                out.add(line);
            }
        }
        out.add("Connection: close");
        return out;
    }

    private static byte[] render(List<String> head) {
        return (String.join("\r\n", head) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Copies exactly {@code length} bytes (a request body). */
    private static void copy(InputStream in, OutputStream out, long length) throws IOException {
        byte[] buffer = new byte[8192];
        for (long left = length; left > 0; ) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n == -1) {
                throw new IOException("the body ended early");
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Cuts every {@code /hub/sse} stream passing now, as a network failure would; returns how many. */
    int cutEventStreams() {
        int n = 0;
        for (Socket s : eventStreams) {
            closeQuietly(s);
            n++;
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        for (Socket s : sockets) {
            closeQuietly(s);
        }
    }
}
