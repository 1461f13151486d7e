package dev.duplex.net;

import dev.duplex.core.internal.Utf8Encoder;

/**
 * The argument checks of the browser's {@code WebSocket.close(code, reason)} (WHATWG WebSockets standard):
 * an application may only send 1000 or 3000-4999, and a reason of at most 123 UTF-8 bytes. Like the browser's
 * USVString, a reason with a lone surrogate is not refused: it goes out with U+FFFD in its place.
 */
final class CloseArguments {
    static final int MAX_REASON_BYTES = 123;

    private CloseArguments() {
    }

    /**
     * @throws IllegalArgumentException (the browser's InvalidAccessError) for a code other than 1000 or
     *                                  3000-4999; (the browser's SyntaxError) for a reason over 123 UTF-8 bytes
     *                                  (a lone surrogate is sent as U+FFFD, three bytes, as the browser does)
     */
    static void check(int code, String reason) {
        if (code != 1000 && (code < 3000 || code > 4999)) {
            throw new IllegalArgumentException("InvalidAccessError: close code must be 1000 or in 3000-4999, was "
                    + code);
        }
        if (reason == null) {
            throw new IllegalArgumentException("SyntaxError: close reason must not be null (use \"\")");
        }
        int bytes = Utf8Encoder.encodedLength(reason); // a lone surrogate counts as U+FFFD, sent as such
        if (bytes > MAX_REASON_BYTES) {
            throw new IllegalArgumentException("SyntaxError: close reason is " + bytes
                    + " UTF-8 bytes, at most " + MAX_REASON_BYTES + " are allowed");
        }
    }
}
