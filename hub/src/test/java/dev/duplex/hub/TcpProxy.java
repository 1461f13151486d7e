package dev.duplex.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on 127.0.0.1 in front of one port, for slowing or cutting a hub node's links to Redis as a bad
 * network would. The node opens its command link first, then its pub/sub link (and new ones when that breaks):
 * {@link #holdFirst} and {@link #holdOthers} stop passing what the server sends on the first link or on the later
 * ones, {@link #release} lets it through again, in order; {@link #dropOthers} closes the later links. Two threads
 * per connection; {@link #close} ends all.
 */
final class TcpProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int target;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private boolean holdingFirst;
    private boolean holdingOthers;

    TcpProxy(int target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** From now on, bytes from the server on the first connection wait (in the kernel's buffers). */
    void holdFirst() {
        synchronized (gate) {
            holdingFirst = true;
        }
    }

    /** From now on, bytes from the server on the later connections wait. */
    void holdOthers() {
        synchronized (gate) {
            holdingOthers = true;
        }
    }

    /** Closes the later connections (what they held is lost) and lets the new ones flow. */
    void dropOthers() {
        for (Link l : links) {
            if (l != links.get(0)) {
                l.close();
            }
        }
        synchronized (gate) {
            holdingOthers = false;
            gate.notifyAll();
        }
    }

    /** Lets every held byte through. */
    void release() {
        synchronized (gate) {
            holdingFirst = false;
            holdingOthers = false;
            gate.notifyAll();
        }
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                Link link = new Link(client, server);
                links.add(link);
                start(() -> link.pump(client, server, false), "proxy-up");
                start(() -> link.pump(server, client, true), "proxy-down");
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private static void start(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        release();
        listener.close();
        for (Link l : links) {
            l.close();
        }
    }

    private final class Link {
        final Socket client;
        final Socket server;

        Link(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void pump(Socket from, Socket to, boolean down) {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) != -1; ) {
                    if (down) {
                        boolean first = links.get(0) == this;
                        synchronized (gate) {
                            while (first ? holdingFirst : holdingOthers) {
                                gate.wait();
                            }
                        }
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // one side closed: close both
            }
            close();
        }

        void close() {
            try {
                client.close();
            } catch (IOException ignored) {
                // already closed
            }
            try {
                server.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
