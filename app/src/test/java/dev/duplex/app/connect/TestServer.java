package dev.duplex.app.connect;

import dev.duplex.core.handshake.HttpRequest;
import dev.duplex.net.Acceptance;
import dev.duplex.net.Endpoint;
import dev.duplex.net.EndpointOptions;
import dev.duplex.net.ServerSession;
import dev.duplex.net.SubprotocolChooser;
import dev.duplex.net.TlsConfig;
import dev.duplex.net.WebSocketServer;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A real duplex server on 127.0.0.1 for the connect tests. Endpoints:
 * {@code /echo} echoes (offers subprotocol chat.v1, records the upgrade request);
 * {@code /reject} answers the upgrade with 403; {@code /close4001} closes with 4001 "maintenance" on the first
 * message; {@code /json} answers every message with a JSON document; {@code /silent} never answers;
 * {@code /push} sends "first" on open, "second" when "first" comes back, and closes with 1000 when "second"
 * comes back, recording what it receives.
 */
final class TestServer implements AutoCloseable {
    static final String JSON = "{\"name\":\"duplex\",\"n\":1.50,\"tags\":[\"ws\",true,null],\"nested\":{}}";

    final CompletableFuture<HttpRequest> echoRequest = new CompletableFuture<>();
    final CompletableFuture<String> echoSubprotocol = new CompletableFuture<>();
    final LinkedBlockingQueue<String> pushReceived = new LinkedBlockingQueue<>();
    private final WebSocketServer server;
    private final java.util.concurrent.ScheduledExecutorService later =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    private final String scheme;

    TestServer() throws Exception {
        this(null);
    }

    TestServer(Path tlsDir) throws Exception {
        WebSocketServer.Builder b = WebSocketServer.builder().host("127.0.0.1").port(0)
                .endpoint("/echo", new Echo(), EndpointOptions.builder()
                        .subprotocols(SubprotocolChooser.firstSupported("chat.v1"))
                        .compression(dev.duplex.core.deflate.PerMessageDeflate.defaults())
                        .build())
                .endpoint("/reject", new Endpoint() {
                }, EndpointOptions.builder().acceptHook(r -> Acceptance.reject(403, "no entry")).build())
                .endpoint("/close4001", new Endpoint() {
                    @Override
                    public void onText(ServerSession s, String text) {
                        s.close(4001, "maintenance");
                    }
                })
                .endpoint("/json", new Endpoint() {
                    @Override
                    public void onText(ServerSession s, String text) {
                        s.send(JSON);
                    }
                })
                .endpoint("/silent", new Endpoint() {
                })
                .endpoint("/greet", new Greeter())
                .endpoint("/push", new Endpoint() {
                    @Override
                    public void onOpen(ServerSession s) {
                        s.send("first");
                    }

                    @Override
                    public void onText(ServerSession s, String text) {
                        pushReceived.add(text);
                        if (text.equals("first")) {
                            s.send("second");
                        } else if (text.equals("second")) {
                            s.close(1000, "done");
                        }
                    }
                });
        if (tlsDir != null) {
            b.tls(TlsConfig.fromPkcs12(tlsDir.resolve("client-test-server.p12"), "changeit".toCharArray()));
        }
        this.scheme = tlsDir == null ? "ws" : "wss";
        this.server = b.build().start();
    }

    String url(String path) {
        return url("127.0.0.1", path);
    }

    String url(String host, String path) {
        return scheme + "://" + host + ":" + server.port() + path;
    }

    @Override
    public void close() {
        server.stop();
        later.shutdownNow();
    }

    /**
     * /greet behaves like the hub: a greeting on open, then answers that come later (like acks after a commit),
     * 200 ms later. A JSON request with an "id" gets an event at once, then {"type":"reply","id":ID}; other text
     * gets "re: TEXT".
     */
    private final class Greeter implements Endpoint {
        @Override
        public void onOpen(ServerSession s) {
            s.send("{\"type\":\"welcome\"}");
        }

        @Override
        public void onText(ServerSession s, String text) {
            java.util.regex.Matcher id = java.util.regex.Pattern.compile("\"id\":\"([^\"]*)\"").matcher(text);
            String answer = "re: " + text;
            if (id.find()) {
                answer = "{\"type\":\"reply\",\"id\":\"" + id.group(1) + "\"}";
                s.send("{\"type\":\"event\",\"id\":\"other\"}");
            }
            String late = answer;
            later.schedule(() -> s.send(late), 200, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    private final class Echo implements Endpoint {
        @Override
        public void onOpen(ServerSession s) {
            echoRequest.complete(s.request());
            echoSubprotocol.complete(s.subprotocol() == null ? "" : s.subprotocol());
        }

        @Override
        public void onText(ServerSession s, String text) {
            s.send(text);
        }

        @Override
        public void onBinary(ServerSession s, ByteBuffer data) {
            s.send(data);
        }
    }
}
