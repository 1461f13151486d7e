package dev.duplex.bench.servers;

/**
 * A started comparison server. {@link #close()} stops it and releases its threads and port; it is idempotent and
 * may be called from any thread (for example a shutdown hook).
 */
public interface RunningServer extends AutoCloseable {

    /** The port actually bound (the chosen one when started with port 0). */
    int port();

    @Override
    void close();

    /** A running server on {@code port} that {@code stop} stops (it must be idempotent). */
    static RunningServer of(int port, Runnable stop) {
        return new RunningServer() {
            @Override
            public int port() {
                return port;
            }

            @Override
            public void close() {
                stop.run();
            }
        };
    }
}
