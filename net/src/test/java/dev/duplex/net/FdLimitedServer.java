package dev.duplex.net;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A server for {@link LoopHealthTest}'s file-descriptor exhaustion test, run in a child JVM under a low
 * {@code ulimit -n}: an echo endpoint on /ws and /healthz on 127.0.0.1, an ephemeral port printed on stdout, then
 * {@code failures} on stdin prints the accept-failure count; it stops when stdin closes.
 */
public final class FdLimitedServer {
    private FdLimitedServer() {
    }

    public static void main(String[] args) throws Exception {
        WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                .endpoint("/ws", new Endpoint() {
                    @Override
                    public void onText(ServerSession s, String text) {
                        s.send(text);
                    }

                    @Override
                    public void onBinary(ServerSession s, ByteBuffer data) {
                        s.send(data);
                    }
                })
                .http("/healthz", request -> HttpReply.text(200, "ok"))
                .build().start();
        server.metrics(); // loads its classes while files can still be opened
        System.out.println(server.port());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("failures")) {
                System.out.println(server.metrics().acceptFailures());
                System.out.flush();
            }
        }
        server.stop();
    }
}
