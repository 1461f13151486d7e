package dev.duplex.net;

/**
 * How net reports an unexpected failure on a {@code System.Logger}: one WARNING line ({@code what: exception}),
 * or, when that logger has DEBUG enabled, the WARNING with the stack trace. Thread-safe.
 */
final class Warnings {
    private Warnings() {
    }

    static void log(System.Logger log, String what, Throwable e) {
        if (log.isLoggable(System.Logger.Level.DEBUG)) {
            log.log(System.Logger.Level.WARNING, what, e);
        } else {
            log.log(System.Logger.Level.WARNING, what + ": " + e);
        }
    }
}
