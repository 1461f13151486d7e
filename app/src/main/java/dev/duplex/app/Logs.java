package dev.duplex.app;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Where {@code duplex serve} sends what the library layers log through {@code System.Logger}: the JDK binds
 * {@code System.Logger} to java.util.logging (no dependency, part of every JDK), and this class gives it one
 * handler with a compact one-line format on the serve command's log stream (stderr) and the level of
 * {@code --log-level}. Lines read {@code 2026-12-02T13:05:01.123Z WARN dev.duplex.hub.Hub: message}; stack
 * traces follow on their own lines and are only logged at debug and trace. Access-log lines
 * ({@code --access-log}) read {@code 2026-12-02T13:05:01.123Z access 127.0.0.1:50312 GET / 200 0.4ms}.
 *
 * <p>Thread-safe; {@link #configure} replaces the previous configuration (tests call it more than once).
 */
final class Logs {
    /** The access-log logger of net (see dev.duplex.net.AccessLog); it logs at DEBUG. */
    static final String ACCESS = "dev.duplex.net.access";

    /** The levels of {@code --log-level}, by their System.Logger names. */
    enum LogLevel {
        ERROR(Level.SEVERE), WARN(Level.WARNING), INFO(Level.INFO), DEBUG(Level.FINE), TRACE(Level.FINER);

        final Level jul;

        LogLevel(Level jul) {
            this.jul = jul;
        }

        boolean stackTraces() {
            return this == DEBUG || this == TRACE;
        }
    }

    private static volatile OneLineHandler handler;
    /** Strong references: java.util.logging keeps loggers only weakly, and would forget their levels. */
    private static Logger duplexRef;
    private static Logger accessRef;

    private Logs() {
    }

    /**
     * Sends every record of the {@code dev.duplex} loggers at {@code level} or above, other loggers' at
     * {@code level} but never below INFO, and the access log when asked, to {@code out}.
     */
    static synchronized void configure(LogLevel level, boolean accessLog, PrintStream out) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        OneLineHandler h = new OneLineHandler(out);
        root.addHandler(h);
        // debug and trace are for duplex's own loggers; the JDK's internals (and H2's) stay at info and above
        root.setLevel(level.jul.intValue() < Level.INFO.intValue() ? Level.INFO : level.jul);
        Logger duplex = Logger.getLogger("dev.duplex");
        duplex.setLevel(level.jul);
        Logger access = Logger.getLogger(ACCESS);
        access.setLevel(accessLog ? Level.FINE : Level.OFF);
        duplexRef = duplex;
        accessRef = access;
        handler = h;
    }

    /**
     * Writes one line through the configured handler directly, for the shutdown line: the JDK's own shutdown hook
     * resets java.util.logging (removing every handler) while ours still runs, so a logger may drop it.
     */
    static void direct(Level level, String logger, String message) {
        OneLineHandler h = handler;
        if (h != null && duplexRef.isLoggable(level)) {
            LogRecord record = new LogRecord(level, message);
            record.setLoggerName(logger);
            h.publish(record);
        }
    }

    /**
     * One line per record, written and flushed at once (stderr is where an operator or systemd looks). A line
     * repeated within a second (same logger, same message: an error storm such as failed accepts while file
     * descriptors are exhausted) is only counted; the next time it is written it says how many were suppressed.
     * Access-log lines are never suppressed.
     */
    static final class OneLineHandler extends Handler {
        static final long REPEAT_INTERVAL_NANOS = 1_000_000_000L;
        private static final int REMEMBERED_LINES = 64;
        private final PrintStream out;
        private final LongSupplier nanoTime;
        /** Recent lines by logger and message: when each was last written and how many were held back since. */
        private final Map<String, long[]> recent = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
                return size() > REMEMBERED_LINES;
            }
        };

        OneLineHandler(PrintStream out) {
            this(out, System::nanoTime);
        }

        OneLineHandler(PrintStream out, LongSupplier nanoTime) {
            this.out = out;
            this.nanoTime = nanoTime;
            setFormatter(new OneLineFormatter());
            setLevel(Level.ALL);
        }

        @Override
        public void publish(LogRecord record) {
            if (!isLoggable(record)) {
                return;
            }
            long suppressed = 0;
            if (!ACCESS.equals(record.getLoggerName())) {
                String key = record.getLoggerName() + '\n' + record.getMessage();
                long now = nanoTime.getAsLong();
                synchronized (recent) {
                    long[] seen = recent.get(key);
                    if (seen != null && now - seen[0] < REPEAT_INTERVAL_NANOS) {
                        seen[1]++;
                        return;
                    }
                    if (seen != null) {
                        suppressed = seen[1];
                    }
                    recent.put(key, new long[] {now, 0});
                }
            }
            String line = getFormatter().format(record);
            if (suppressed > 0) {
                int end = line.indexOf(System.lineSeparator());
                line = line.substring(0, end) + " (" + suppressed + " repeated lines suppressed)" + line.substring(end);
            }
            synchronized (out) {
                out.print(line);
                out.flush();
            }
        }

        @Override
        public void flush() {
            out.flush();
        }

        @Override
        public void close() {
            out.flush();
        }
    }

    /** {@code TIME LEVEL LOGGER: MESSAGE}, or {@code TIME access MESSAGE}; then the stack trace if there is one. */
    static final class OneLineFormatter extends Formatter {
        /** Messages with line breaks (an H2 error, say) are flattened so one record stays one line. */
        private static final java.util.regex.Pattern LINE_BREAKS = java.util.regex.Pattern.compile("\\s*\\R\\s*");

        @Override
        public String format(LogRecord record) {
            StringBuilder b = new StringBuilder(128);
            b.append(Instant.ofEpochMilli(record.getMillis()).truncatedTo(ChronoUnit.MILLIS)).append(' ');
            String message = LINE_BREAKS.matcher(String.valueOf(formatMessage(record))).replaceAll(" ");
            if (ACCESS.equals(record.getLoggerName())) {
                b.append("access ").append(message);
            } else {
                b.append(levelName(record.getLevel())).append(' ').append(record.getLoggerName()).append(": ")
                        .append(message);
            }
            b.append(System.lineSeparator());
            if (record.getThrown() != null) {
                StringWriter trace = new StringWriter();
                record.getThrown().printStackTrace(new PrintWriter(trace));
                b.append(trace);
            }
            return b.toString();
        }

        /** The System.Logger name of a java.util.logging level, as --log-level spells it. */
        static String levelName(Level level) {
            int v = level.intValue();
            if (v >= Level.SEVERE.intValue()) {
                return "ERROR";
            } else if (v >= Level.WARNING.intValue()) {
                return "WARN";
            } else if (v >= Level.INFO.intValue()) {
                return "INFO";
            } else if (v >= Level.FINE.intValue()) {
                return "DEBUG";
            }
            return "TRACE";
        }
    }

    static LogLevel parse(String name) {
        return LogLevel.valueOf(name.toUpperCase(Locale.ROOT));
    }
}
