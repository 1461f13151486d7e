package dev.duplex.bench.servers;

import java.util.Locale;

/**
 * The command line shared by every comparison server.
 *
 * @param host      address to bind ({@code --host}, default 127.0.0.1)
 * @param port      port to bind ({@code --port}, default 8080; 0 picks a free one)
 * @param threads   event-loop / I/O threads ({@code --threads}, alias {@code --loops}, default 1); servers without
 *                  such a knob (Jetty's thread pool, Java-WebSocket's single selector thread) ignore it
 * @param transport Netty's transport ({@code --transport nio|epoll}, default nio); others ignore it
 */
public record ServerArgs(String host, int port, int threads, Transport transport) {

    /** Netty's I/O transport. */
    public enum Transport { NIO, EPOLL }

    public ServerArgs {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be 0..65535, got " + port);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        }
    }

    /** Loopback, a free port, one thread, NIO: what the tests use. */
    public static ServerArgs loopbackAnyPort() {
        return new ServerArgs("127.0.0.1", 0, 1, Transport.NIO);
    }

    /** Parses {@code --name value} pairs; an unknown option or a bad value is an IllegalArgumentException. */
    public static ServerArgs parse(String... args) {
        String host = "127.0.0.1";
        int port = 8080;
        int threads = 1;
        Transport transport = Transport.NIO;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + name);
            }
            String value = args[++i];
            switch (name) {
                case "--host" -> host = value;
                case "--port" -> port = parseInt(name, value);
                case "--threads", "--loops" -> threads = parseInt(name, value);
                case "--transport" -> transport = parseTransport(value);
                default -> throw new IllegalArgumentException("unknown option " + name
                        + " (options: --host H --port N --threads N|--loops N --transport nio|epoll)");
            }
        }
        return new ServerArgs(host, port, threads, transport);
    }

    private static int parseInt(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs a number, got " + value, e);
        }
    }

    private static Transport parseTransport(String value) {
        try {
            return Transport.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--transport must be nio or epoll, got " + value, e);
        }
    }
}
