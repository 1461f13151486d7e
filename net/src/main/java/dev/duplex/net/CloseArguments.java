package dev.duplex.net;

import java.nio.charset.StandardCharsets;

/**
 * The argument checks of the browser's {@code WebSocket.close(code, reason)} (WHATWG WebSockets standard):
 * an application may only send 1000 or 3000-4999, and a reason of at most 123 UTF-8 bytes.
 */
final class CloseArguments {
    static final int MAX_REASON_BYTES = 123;

    private CloseArguments() {
    }

    /**
     * @throws IllegalArgumentException (the browser's InvalidAccessError) for a code other than 1000 or
     *                                  3000-4999; (the browser's SyntaxError) for a reason over 123 UTF-8 bytes
     *                                  or one containing a lone surrogate
     */
    static void check(int code, String reason) {
        if (code != 1000 && (code < 3000 || code > 4999)) {
            throw new IllegalArgumentException("InvalidAccessError: close code must be 1000 or in 3000-4999, was "
                    + code);
        }
        if (reason == null) {
            throw new IllegalArgumentException("SyntaxError: close reason must not be null (use \"\")");
        }
        for (int i = 0; i < reason.length(); i++) {
            char c = reason.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < reason.length() && Character.isLowSurrogate(reason.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("SyntaxError: close reason contains a lone surrogate at index " + i);
            }
        }
        int bytes = reason.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_REASON_BYTES) {
            throw new IllegalArgumentException("SyntaxError: close reason is " + bytes
                    + " UTF-8 bytes, at most " + MAX_REASON_BYTES + " are allowed");
        }
    }
}
