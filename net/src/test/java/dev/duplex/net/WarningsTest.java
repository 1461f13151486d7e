package dev.duplex.net;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** An unexpected failure is one WARNING line, with the stack trace only when the logger has DEBUG on. */
class WarningsTest {

    @Test
    void oneLineUnlessDebug() {
        String name = "dev.duplex.net.test.warnings";
        Logger jul = Logger.getLogger(name);
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(capture);
        jul.setUseParentHandlers(false);
        try {
            IllegalStateException boom = new IllegalStateException("boom");
            jul.setLevel(Level.INFO);
            Warnings.log(System.getLogger(name), "internal error", boom);
            jul.setLevel(Level.FINE);
            Warnings.log(System.getLogger(name), "internal error", boom);
            assertEquals(2, records.size());
            assertEquals(Level.WARNING, records.get(0).getLevel());
            assertEquals("internal error: java.lang.IllegalStateException: boom", records.get(0).getMessage());
            assertNull(records.get(0).getThrown());
            assertEquals(Level.WARNING, records.get(1).getLevel());
            assertEquals("internal error", records.get(1).getMessage());
            assertSame(boom, records.get(1).getThrown());
        } finally {
            jul.removeHandler(capture);
            jul.setUseParentHandlers(true);
            jul.setLevel(null);
        }
    }
}
