package dev.duplex.net;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

@Timeout(30)
class ProxyAndTlsTest {
    private static final char[] PASSWORD = "changeit".toCharArray();
    private final ClientEventLoop loop = ClientEventLoop.create("test-proxy-tls");
    private final Recorder rec = new Recorder();

    @AfterEach
    void stopLoop() {
        loop.close();
    }

    private static Path resource(String name) throws Exception {
        return Path.of(ProxyAndTlsTest.class.getResource("/" + name).toURI());
    }

    private static SSLServerSocket tlsServerSocket() throws Exception {
        KeyStore ks = KeyStore.getInstance(resource("client-test-server.p12").toFile(), PASSWORD);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    @Test
    void wssWithTrustStoreAndHostnameVerification() throws Exception {
        try (RawServer server = new RawServer(tlsServerSocket())) {
            rec.attach(WebSocket.builder("wss://localhost:" + server.port() + "/secure").eventLoop(loop)
                    .trustStore(resource("client-test-trust.p12"), PASSWORD)).connect();
            RawPeer peer = server.accept();
            peer.acceptUpgrade();
            assertEquals("localhost:" + server.port(), peer.requestHeaders.get("host"));
            rec.next(OpenEvent.class);
            peer.writeText("secret");
            assertEquals("secret", rec.next(MessageEvent.class).text());
        }
    }

    @Test
    void wrongHostNameFailsVerification() throws Exception {
        try (RawServer server = new RawServer(tlsServerSocket())) {
            // the certificate names only localhost: connecting by IP must fail hostname verification
            rec.attach(WebSocket.builder("wss://127.0.0.1:" + server.port() + "/").eventLoop(loop)
                    .trustStore(resource("client-test-trust.p12"), PASSWORD)
                    .connectTimeout(Duration.ofSeconds(5))).connect();
            RawPeer peer = server.accept();
            Thread handshaker = new Thread(() -> {
                try {
                    ((javax.net.ssl.SSLSocket) peer.socket).startHandshake(); // answers the ClientHello
                } catch (Exception expected) {
                    // the client rejects the certificate and aborts
                }
            }, "test-tls-handshake");
            handshaker.setDaemon(true);
            handshaker.start();
            Throwable cause = rec.next(ErrorEvent.class).cause();
            assertInstanceOf(SSLException.class, cause);
            assertEquals(1006, rec.next(CloseEvent.class).code());
        }
    }

    /** A CONNECT proxy on 127.0.0.1 that checks Basic credentials and pipes bytes both ways. */
    private static ServerSocket startProxy(String expectedAuth) throws Exception {
        ServerSocket proxy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            try (Socket client = proxy.accept()) {
                RawPeer head = new RawPeer(client);
                Map<String, String> h = head.readHead();
                if (!("Basic " + expectedAuth).equals(h.get("proxy-authorization"))) {
                    head.writeAscii("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\nContent-Length: 0\r\n\r\n");
                    return;
                }
                String[] target = head.requestLine.split(" ")[1].split(":");
                try (Socket upstream = new Socket(target[0], Integer.parseInt(target[1]))) {
                    head.writeAscii("HTTP/1.1 200 Connection Established\r\n\r\n");
                    Thread up = pipe(head.in, upstream.getOutputStream());
                    pipe(upstream.getInputStream(), client.getOutputStream()).join();
                    up.join(1000);
                }
            } catch (Exception ignored) {
                // the test ended
            }
        }, "test-proxy");
        t.setDaemon(true);
        t.start();
        return proxy;
    }

    private static Thread pipe(InputStream in, OutputStream out) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (Exception ignored) {
                // one side closed
            }
        }, "test-proxy-pipe");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void wssThroughProxyVerifiesTheServerAtTheEndOfTheTunnel() throws Exception {
        String auth = Base64.getEncoder().encodeToString("user:secret".getBytes(StandardCharsets.UTF_8));
        try (RawServer server = new RawServer(tlsServerSocket()); ServerSocket proxy = startProxy(auth)) {
            WebSocket ws = rec.attach(WebSocket.builder("wss://localhost:" + server.port() + "/tunnel").eventLoop(loop)
                    .trustStore(resource("client-test-trust.p12"), PASSWORD)
                    .proxy(HttpProxy.of("127.0.0.1", proxy.getLocalPort()).withBasicAuth("user", "secret"))).connect();
            RawPeer peer = server.accept();
            peer.acceptUpgrade();
            assertEquals("localhost:" + server.port(), peer.requestHeaders.get("host"));
            rec.next(OpenEvent.class);
            ws.send("tls inside the tunnel");
            assertEquals("tls inside the tunnel", peer.readFrame().text());
            peer.writeText("and back");
            assertEquals("and back", rec.next(MessageEvent.class).text());
        }
    }

    @Test
    void connectsThroughProxyWithBasicAuth() throws Exception {
        String auth = Base64.getEncoder().encodeToString("user:pa:ss".getBytes(StandardCharsets.UTF_8));
        try (RawServer server = new RawServer(); ServerSocket proxy = startProxy(auth)) {
            WebSocket ws = rec.attach(WebSocket.builder(server.url("/via-proxy")).eventLoop(loop)
                    .proxy(HttpProxy.of("127.0.0.1", proxy.getLocalPort()).withBasicAuth("user", "pa:ss"))).connect();
            RawPeer peer = server.accept();
            peer.acceptUpgrade();
            rec.next(OpenEvent.class);
            ws.send("through the tunnel");
            assertEquals("through the tunnel", peer.readFrame().text());
        }
    }

    @Test
    void proxyRefusalIsAClearError() throws Exception {
        try (RawServer server = new RawServer(); ServerSocket proxy = startProxy("right")) {
            rec.attach(WebSocket.builder(server.url("/")).eventLoop(loop)
                    .proxy(HttpProxy.of("127.0.0.1", proxy.getLocalPort()).withBasicAuth("user", "wrong"))).connect();
            ProxyException e = assertInstanceOf(ProxyException.class, rec.next(ErrorEvent.class).cause());
            assertEquals(407, e.status());
            assertEquals(1006, rec.next(CloseEvent.class).code());
        }
    }
}
