package dev.duplex.examples;

import dev.duplex.net.Endpoint;
import dev.duplex.net.ServerSession;
import dev.duplex.net.WebSocketServer;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Example: every message is sent straight back. Run it (from the repository root) with
 * {@code ./mvnw -q -pl examples -am compile exec:java -Dexec.mainClass=dev.duplex.examples.EchoServer} and connect to
 * ws://127.0.0.1:8080/echo, e.g. with {@code ./duplex connect ws://127.0.0.1:8080/echo}; add
 * {@code -Dexec.args=9000} for another port.
 */
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

    /** Starts the echo server on {@code host:port} (0: any free port), endpoint {@code /echo}. */
    public static WebSocketServer start(String host, int port) throws IOException {
        return WebSocketServer.builder().host(host).port(port).endpoint("/echo", endpoint()).build().start();
    }

    /** Serves until the JVM is stopped (Ctrl-C). Argument: the port, 8080 by default. */
    public static void main(String[] args) throws IOException, InterruptedException {
        WebSocketServer server = start("127.0.0.1", args.length > 0 ? Integer.parseInt(args[0]) : 8080);
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        System.out.println("echo server on ws://127.0.0.1:" + server.port() + "/echo (Ctrl-C to stop)");
        Thread.currentThread().join(); // the server's threads are daemons: keep the JVM alive
    }
}
