package dev.duplex.core.handshake;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** The bounded, leniently decoded start of a response body, for error reports. Stateless. */
final class BodyPreview {

    private BodyPreview() {}

    /**
     * Up to {@code maxBytes} bytes from {@code body}'s position (without moving it), further bounded by
     * a valid {@code Content-Length}, decoded as UTF-8 with malformed bytes replaced; a multi-byte
     * character cut at the end is dropped rather than shown as garbage.
     */
    static String of(ByteBuffer body, HttpHeaders headers, int maxBytes) {
        if (body == null || !body.hasRemaining()) {
            return "";
        }
        long limit = Math.min(maxBytes, body.remaining());
        String contentLength = headers.first("Content-Length");
        if (contentLength != null && contentLength.matches("[0-9]{1,18}")) {
            limit = Math.min(limit, Long.parseLong(contentLength));
        }
        byte[] bytes = new byte[(int) limit];
        body.duplicate().get(bytes);
        int length = bytes.length;
        if (length < body.remaining()) {
            length = withoutCutCharacter(bytes, length);
        }
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    /** The length without a trailing, incomplete UTF-8 sequence (if the cut fell inside one). */
    private static int withoutCutCharacter(byte[] bytes, int length) {
        int i = length - 1;
        int continuation = 0;
        while (i >= 0 && continuation < 3 && (bytes[i] & 0xC0) == 0x80) {
            i--;
            continuation++;
        }
        if (i < 0) {
            return length;
        }
        int lead = bytes[i] & 0xFF;
        int needed = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
        return needed > continuation ? i : length;
    }
}
