package dev.duplex.net.examples;

import dev.duplex.net.Endpoint;
import dev.duplex.net.ServerSession;
import dev.duplex.net.WebSocketServer;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Example: a chat room. Every text message is broadcast to everyone in the room, encoded once; members join on
 * open and leave on close. Run {@code main} and connect to ws://127.0.0.1:8080/chat.
 */
public final class ChatServer {
    private final Set<ServerSession> members = ConcurrentHashMap.newKeySet();
    private WebSocketServer server;

    public static ChatServer start(String host, int port) throws IOException {
        ChatServer chat = new ChatServer();
        chat.server = WebSocketServer.builder().host(host).port(port).endpoint("/chat", chat.endpoint()).build()
                .start();
        return chat;
    }

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

    public static void main(String[] args) throws IOException {
        ChatServer chat = start("127.0.0.1", args.length > 0 ? Integer.parseInt(args[0]) : 8080);
        System.out.println("chat server on ws://127.0.0.1:" + chat.server.port() + "/chat");
        Runtime.getRuntime().addShutdownHook(new Thread(chat.server::stop));
    }
}
