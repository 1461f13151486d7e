package dev.duplex.net.examples;

import dev.duplex.net.Endpoint;
import dev.duplex.net.ServerSession;
import dev.duplex.net.WebSocketServer;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Example: every message is sent straight back. Run {@code main} and connect to ws://127.0.0.1:8080/echo. */
public final class EchoServer {
    private EchoServer() {
    }

    /** An endpoint that echoes text and binary messages. */
    public static Endpoint endpoint() {
        return new Endpoint() {
            @Override
            public void onText(ServerSession session, String text) {
                session.send(text);
            }

            @Override
            public void onBinary(ServerSession session, ByteBuffer data) {
                session.send(data); // copied before send returns, so the loop's buffer may be reused
            }
        };
    }

    public static WebSocketServer start(String host, int port) throws IOException {
        return WebSocketServer.builder().host(host).port(port).endpoint("/echo", endpoint()).build().start();
    }

    public static void main(String[] args) throws IOException {
        WebSocketServer server = start("127.0.0.1", args.length > 0 ? Integer.parseInt(args[0]) : 8080);
        System.out.println("echo server on ws://127.0.0.1:" + server.port() + "/echo");
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
    }
}
