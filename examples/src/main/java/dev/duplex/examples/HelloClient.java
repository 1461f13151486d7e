package dev.duplex.examples;

import dev.duplex.net.WebSocket;

import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/**
 * Example: opens a WebSocket, sends "Hello Server!", prints the first message that comes back and closes.
 * Run it against the {@link EchoServer} example with
 * {@code ./mvnw -q -pl examples -am compile exec:java -Dexec.mainClass=dev.duplex.examples.HelloClient
 * -Dexec.args=ws://127.0.0.1:8080/echo}. Blocks the calling thread for at most 10 seconds per step; the socket's
 * events run on the shared client loop.
 */
public final class HelloClient {
    private HelloClient() {
    }

    /** Argument: the URL, {@code ws://127.0.0.1:8080/echo} by default. */
    public static void main(String[] args) throws Exception {
        run(args.length > 0 ? args[0] : "ws://127.0.0.1:8080/echo", System.out);
    }

    /** Does the round trip against {@code url}, printing to {@code out}; throws if a step fails or times out. */
    public static void run(String url, PrintStream out) throws Exception {
        WebSocket ws = WebSocket.builder(url)
                .onOpen(e -> out.println("open: " + url))
                .onMessage(e -> {
                    out.println("received: " + (e.isText() ? e.text() : e.binary().remaining() + " bytes"));
                    e.target().close(1000, "done");
                })
                .onError(e -> out.println("error: " + e.cause()))
                .onClose(e -> out.println("closed: " + e.code() + " clean=" + e.wasClean()))
                .connect();
        ws.whenOpen().get(10, TimeUnit.SECONDS).send("Hello Server!");
        ws.whenClosed().get(10, TimeUnit.SECONDS);
    }
}
