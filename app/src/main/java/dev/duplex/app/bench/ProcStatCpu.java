package dev.duplex.app.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU time another process has used, from {@code /proc/PID/stat} (fields 14 {@code utime} and 15
 * {@code stime}, user plus system, all of its threads). The kernel counts in clock ticks of
 * {@value #TICKS_PER_SECOND} per second (USER_HZ, fixed for user space on Linux), so a reading is exact to 10 ms: measure
 * windows of seconds, not milliseconds. Linux only.
 */
final class ProcStatCpu {
    static final int TICKS_PER_SECOND = 100;

    private final long pid;
    private final Path statFile;

    ProcStatCpu(long pid) {
        this.pid = pid;
        this.statFile = Path.of("/proc", Long.toString(pid), "stat");
    }

    long pid() {
        return pid;
    }

    /**
     * User plus system CPU time of the process so far, in nanoseconds.
     *
     * @throws IOException if the process does not exist (any more) or /proc is not there
     */
    long cpuNanos() throws IOException {
        return parseCpuNanos(Files.readString(statFile));
    }

    /**
     * Reads utime + stime from the content of a stat file. The second field, the command name in parentheses, may
     * itself hold spaces and parentheses, so the fields are counted from the last ')'.
     */
    static long parseCpuNanos(String stat) {
        int end = stat.lastIndexOf(')');
        if (end < 0) {
            throw new IllegalArgumentException("not a /proc/PID/stat line: " + stat);
        }
        // after ") " come field 3 (state), 4, ...; utime is field 14, stime field 15
        String[] fields = stat.substring(end + 1).trim().split("\\s+");
        if (fields.length < 13) {
            throw new IllegalArgumentException("too few fields in /proc/PID/stat: " + stat);
        }
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks * (1_000_000_000L / TICKS_PER_SECOND);
    }
}
