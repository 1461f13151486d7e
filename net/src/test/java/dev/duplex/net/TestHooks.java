package dev.duplex.net;

/** Package-private server internals that tests in other packages need. */
public final class TestHooks {
    private TestHooks() {
    }

    /** Drops the session's TCP connection without a close frame, as if the server had crashed. */
    public static void abort(ServerSession session) {
        session.connection().abort();
    }
}
