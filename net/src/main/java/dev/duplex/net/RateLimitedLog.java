package dev.duplex.net;

import java.util.concurrent.TimeUnit;

/**
 * One log site that writes at most one line per interval: the first event in an interval is logged (with how many
 * were suppressed since the last line), the others are only counted. For errors that can repeat thousands of times
 * a second (failed accepts when file descriptors run out, a handler that throws on every message) without flooding
 * the log or spending a core on it.
 *
 * <p><b>Threading:</b> thread-safe; {@link #log} takes a short lock only to decide, never while writing.
 */
final class RateLimitedLog {
    private final System.Logger logger;
    private final System.Logger.Level level;
    private final long intervalNanos;
    private long lastLineNanos;
    private boolean loggedOnce;
    private long suppressed;
    private long total;

    RateLimitedLog(System.Logger logger, System.Logger.Level level, long interval, TimeUnit unit) {
        this.logger = logger;
        this.level = level;
        this.intervalNanos = unit.toNanos(interval);
    }

    /**
     * Logs {@code message} (and {@code error}'s stack trace, if any) unless a line went out less than an interval
     * ago; then it is only counted, and the next line says how many were suppressed.
     *
     * @return whether a line was written
     */
    boolean log(String message, Throwable error) {
        long suppressedBefore;
        synchronized (this) {
            total++;
            long now = System.nanoTime();
            if (loggedOnce && now - lastLineNanos < intervalNanos) {
                suppressed++;
                return false;
            }
            loggedOnce = true;
            lastLineNanos = now;
            suppressedBefore = suppressed;
            suppressed = 0;
        }
        String line = suppressedBefore == 0 ? message
                : message + " (" + suppressedBefore + " similar lines suppressed)";
        try {
            if (error == null) {
                logger.log(level, line);
            } else {
                logger.log(level, line, error);
            }
        } catch (RuntimeException | LinkageError failed) {
            // a logging backend that cannot work now (no file descriptor to read its configuration): the caller
            // still learns a line was due and reports the event its own way
        }
        return true;
    }

    /** Events seen, logged or suppressed. */
    synchronized long total() {
        return total;
    }
}
