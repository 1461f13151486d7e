package dev.duplex.net;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** wss with the JDK client trusting the committed self-signed test certificates (see resources/tls/README.md). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsServerTest {
    private WebSocketServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    static Path resource(String name) throws Exception {
        return Path.of(TlsServerTest.class.getResource("/tls/" + name).toURI());
    }

    static HttpClient trustingClient() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = TlsServerTest.class.getResourceAsStream("/tls/truststore.p12")) {
            trust.load(in, "changeit".toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).build();
    }

    private URI start(TlsConfig tls) throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1).tls(tls)
                .endpoint("/echo", new ServerEvents(true)).build().start();
        return URI.create("wss://localhost:" + server.port() + "/echo");
    }

    private static void assertEchoes(JdkClient client) throws Exception {
        client.socket.sendText("over tls", true).get(5, TimeUnit.SECONDS);
        assertEquals("over tls", client.nextText());
        byte[] big = new byte[3 << 20];
        new Random(7).nextBytes(big);
        client.socket.sendBinary(ByteBuffer.wrap(big), true).get(20, TimeUnit.SECONDS);
        JdkClient.Event e = client.next();
        assertTrue(Arrays.equals(big, e.bytes()), "3 MiB across many TLS records");
        client.socket.sendClose(1000, "done").get(5, TimeUnit.SECONDS);
        assertEquals(1000, client.awaitClose().code());
    }

    @Test
    void wssWithPkcs12Keystore() throws Exception {
        URI uri = start(TlsConfig.fromPkcs12(resource("server.p12"), "changeit".toCharArray()));
        assertEchoes(JdkClient.connect(trustingClient(), uri));
    }

    @Test
    void wssWithPemRsaKey() throws Exception {
        URI uri = start(TlsConfig.fromPem(resource("rsa-cert.pem"), resource("rsa-key.pem")));
        assertEchoes(JdkClient.connect(trustingClient(), uri));
    }

    @Test
    void wssWithPemEcKey() throws Exception {
        URI uri = start(TlsConfig.fromPem(resource("ec-cert.pem"), resource("ec-key.pem")));
        assertEchoes(JdkClient.connect(trustingClient(), uri));
    }

    @Test
    void httpsServesThe426AndClientsThatDoNotTrustUsAreDropped() throws Exception {
        URI uri = start(TlsConfig.fromPkcs12(resource("server.p12"), "changeit".toCharArray()));
        HttpResponse<String> r = trustingClient().send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + server.port() + "/echo")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(426, r.statusCode());
        try {
            JdkClient.connect(HttpClient.newHttpClient(), uri);
            throw new AssertionError("an untrusted certificate must fail the client");
        } catch (java.util.concurrent.ExecutionException expected) {
            // the default trust store does not know our self-signed certificate
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.openConnections() != 0) {
            assertTrue(System.nanoTime() < deadline, "failed TLS handshakes leave no connection behind");
            Thread.onSpinWait();
        }
    }
}
