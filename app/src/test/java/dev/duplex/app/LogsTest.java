package dev.duplex.app;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Logs}: System.Logger records from the library layers reach serve's stream as one line each, by level. */
class LogsTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @AfterEach
    void restore() {
        Logs.configure(Logs.LogLevel.INFO, false, System.err);
    }

    private List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void systemLoggerRecordsAreOneCompactLineAtOrAboveTheLevel() {
        Logs.configure(Logs.LogLevel.INFO, false, out);
        System.Logger log = System.getLogger("dev.duplex.test.logs");
        log.log(System.Logger.Level.INFO, "started\nwith a second line");
        log.log(System.Logger.Level.WARNING, "careful");
        log.log(System.Logger.Level.ERROR, "broken");
        log.log(System.Logger.Level.DEBUG, "hidden at info");
        List<String> lines = lines();
        assertEquals(3, lines.size(), lines::toString);
        assertTrue(lines.get(0).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,3})?Z INFO "
                + "dev\\.duplex\\.test\\.logs: started with a second line"), lines.get(0));
        assertTrue(lines.get(1).endsWith(" WARN dev.duplex.test.logs: careful"), lines.get(1));
        assertTrue(lines.get(2).endsWith(" ERROR dev.duplex.test.logs: broken"), lines.get(2));
    }

    @Test
    void debugAndTraceShowMoreAndStackTraces() {
        Logs.configure(Logs.LogLevel.TRACE, false, out);
        System.Logger log = System.getLogger("dev.duplex.test.logs");
        log.log(System.Logger.Level.DEBUG, "detail");
        log.log(System.Logger.Level.TRACE, "more detail");
        log.log(System.Logger.Level.WARNING, "failed", new IllegalStateException("why"));
        System.getLogger("some.library.inside").log(System.Logger.Level.DEBUG, "noise");
        String all = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(!all.contains("noise"), "debug is for duplex's loggers only: " + all);
        assertTrue(all.contains(" DEBUG dev.duplex.test.logs: detail\n"), all);
        assertTrue(all.contains(" TRACE dev.duplex.test.logs: more detail\n"), all);
        assertTrue(all.contains(" WARN dev.duplex.test.logs: failed\njava.lang.IllegalStateException: why\n\tat "),
                all);
    }

    @Test
    void theAccessLoggerIsOffUnlessAskedEvenAtDebug() {
        System.Logger access = System.getLogger(Logs.ACCESS);
        Logs.configure(Logs.LogLevel.DEBUG, false, out);
        assertTrue(!access.isLoggable(System.Logger.Level.DEBUG), "--log-level debug alone does not turn it on");
        Logs.configure(Logs.LogLevel.ERROR, true, out);
        assertTrue(access.isLoggable(System.Logger.Level.DEBUG));
        access.log(System.Logger.Level.DEBUG, "127.0.0.1:1 GET / 200 0.1ms");
        assertEquals(1, lines().size());
        assertTrue(lines().get(0).endsWith("Z access 127.0.0.1:1 GET / 200 0.1ms"), lines().get(0));
    }

    @Test
    void theShutdownLineIsWrittenDirectly() {
        Logs.configure(Logs.LogLevel.INFO, false, out);
        Logs.direct(Level.INFO, ServeCommand.LOG_NAME, "stopped after 1.0 s, 0 connections closed");
        assertTrue(lines().get(0).endsWith(" INFO dev.duplex.app.serve: stopped after 1.0 s, 0 connections closed"));
        Logs.configure(Logs.LogLevel.WARN, false, out);
        Logs.direct(Level.INFO, ServeCommand.LOG_NAME, "not at warn");
        assertEquals(1, lines().size());
    }

    @Test
    void levelNamesParseCaseInsensitively() {
        assertEquals(Logs.LogLevel.WARN, Logs.parse("Warn"));
        assertThrows(IllegalArgumentException.class, () -> Logs.parse("loud"));
    }

    @Test
    void sizesParseWithBinaryUnits() {
        ByteSizeConverter sizes = new ByteSizeConverter();
        assertEquals(65_536L, sizes.convert("65536"));
        assertEquals(64L << 10, sizes.convert("64KiB"));
        assertEquals(16L << 20, sizes.convert("16MiB"));
        assertEquals(16L << 20, sizes.convert("16m"));
        assertEquals(1L << 30, sizes.convert("1 GiB"));
        assertThrows(picocli.CommandLine.TypeConversionException.class, () -> sizes.convert("16 parsecs"));
        assertThrows(picocli.CommandLine.TypeConversionException.class, () -> sizes.convert("-1"));
        assertEquals("16 MiB", ByteSizeConverter.format(16L << 20));
        assertEquals("1000 bytes", ByteSizeConverter.format(1000));
    }

    @Test
    void aLineRepeatedWithinASecondIsCountedAndReportedWhenItIsWrittenAgain() {
        long[] now = {0};
        Logs.OneLineHandler handler = new Logs.OneLineHandler(out, () -> now[0]);
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("dev.duplex.test.repeats");
        log.setUseParentHandlers(false);
        log.addHandler(handler);
        try {
            for (int i = 0; i < 1000; i++) {
                log.warning("accept failed: java.io.IOException: Too many open files");
            }
            log.warning("another problem");
            now[0] += Logs.OneLineHandler.REPEAT_INTERVAL_NANOS;
            log.warning("accept failed: java.io.IOException: Too many open files");
        } finally {
            log.removeHandler(handler);
            log.setUseParentHandlers(true);
        }
        List<String> lines = lines();
        assertEquals(3, lines.size(), lines::toString);
        assertTrue(lines.get(0).endsWith("WARN dev.duplex.test.repeats: accept failed: java.io.IOException: Too many"
                + " open files"), lines.get(0));
        assertTrue(lines.get(1).endsWith("WARN dev.duplex.test.repeats: another problem"), lines.get(1));
        assertTrue(lines.get(2).endsWith("Too many open files (999 repeated lines suppressed)"), lines.get(2));
    }
}
