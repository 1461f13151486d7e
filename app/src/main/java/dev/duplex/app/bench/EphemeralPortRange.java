package dev.duplex.app.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The local port range the kernel picks client ports from ({@code /proc/sys/net/ipv4/ip_local_port_range}): one
 * source address can hold at most this many connections to the same server address and port.
 */
record EphemeralPortRange(int low, int high) {
    static final Path PROC_FILE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    /** Linux's default, used when the file cannot be read (not Linux, or no /proc). */
    static final EphemeralPortRange LINUX_DEFAULT = new EphemeralPortRange(32768, 60999);

    static EphemeralPortRange current() {
        try {
            return parse(Files.readString(PROC_FILE));
        } catch (IOException | IllegalArgumentException e) {
            return LINUX_DEFAULT;
        }
    }

    /** Parses the file's content: two numbers separated by white space. */
    static EphemeralPortRange parse(String content) {
        String[] parts = content.trim().split("\\s+");
        if (parts.length != 2) {
            throw new IllegalArgumentException("expected two port numbers, got '" + content.trim() + "'");
        }
        return new EphemeralPortRange(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
    }

    int size() {
        return high - low + 1;
    }
}
