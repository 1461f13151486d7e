package dev.duplex.examples;

import dev.duplex.net.Endpoint;
import dev.duplex.net.ServerSession;
import dev.duplex.net.WebSocketServer;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Example: a chat room. Every text message is broadcast to everyone in the room, encoded once; members join on
 * open and leave on close. Run it (from the repository root) with
 * {@code ./mvnw -q -pl examples -am compile exec:java -Dexec.mainClass=dev.duplex.examples.ChatServer} and connect
 * two clients to ws://127.0.0.1:8080/chat, e.g. {@code ./duplex connect ws://127.0.0.1:8080/chat} in two terminals.
 */
public final class ChatServer {
    private final Set<ServerSession> members = ConcurrentHashMap.newKeySet();
    private WebSocketServer server;

    /** Starts a chat server on {@code host:port} (0: any free port), endpoint {@code /chat}. */
    public static ChatServer start(String host, int port) throws IOException {
        ChatServer chat = new ChatServer();
        chat.server = WebSocketServer.builder().host(host).port(port).endpoint("/chat", chat.endpoint()).build()
                .start();
        return chat;
    }

    /** The running server (its port, sessions; stop it when done). */
    public WebSocketServer server() {
        return server;
    }

    private Endpoint endpoint() {
        return new Endpoint() {
            @Override
            public void onOpen(ServerSession session) {
                members.add(session);
            }

            @Override
            public void onText(ServerSession session, String text) {
                server.broadcast(members, text);
            }

            @Override
            public void onClose(ServerSession session, int code, String reason, boolean wasClean) {
                members.remove(session);
            }
        };
    }

    /** Serves until the JVM is stopped (Ctrl-C). Argument: the port, 8080 by default. */
    public static void main(String[] args) throws IOException, InterruptedException {
        ChatServer chat = start("127.0.0.1", args.length > 0 ? Integer.parseInt(args[0]) : 8080);
        Runtime.getRuntime().addShutdownHook(new Thread(chat.server::stop));
        System.out.println("chat server on ws://127.0.0.1:" + chat.server.port() + "/chat (Ctrl-C to stop)");
        Thread.currentThread().join(); // the server's threads are daemons: keep the JVM alive
    }
}
