package dev.duplex.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test server on 127.0.0.1 (port 0) that accepts connections on its own thread and hands each over as a
 * {@link RawPeer} for the test to drive by hand. Closing it closes the listening socket and every peer.
 */
final class RawServer implements AutoCloseable {
    final ServerSocket server;
    private final BlockingQueue<RawPeer> accepted = new LinkedBlockingQueue<>();
    private final List<RawPeer> all = new ArrayList<>();
    private final Thread acceptor;

    RawServer() throws IOException {
        this(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    }

    RawServer(ServerSocket server) {
        this.server = server;
        this.acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    RawPeer p = new RawPeer(s);
                    synchronized (all) {
                        all.add(p);
                    }
                    accepted.add(p);
                } catch (IOException e) {
                    return;
                }
            }
        }, "raw-server-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    String url(String path) {
        return "ws://127.0.0.1:" + port() + path;
    }

    RawPeer accept() throws InterruptedException {
        RawPeer p = accepted.poll(10, TimeUnit.SECONDS);
        if (p == null) {
            throw new AssertionError("no connection within 10 s");
        }
        return p;
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (all) {
            for (RawPeer p : all) {
                p.close();
            }
        }
    }
}
