package dev.duplex.core;

/**
 * How a connection ended, as the browser's close event reports it.
 *
 * @param code     the close code: the peer's code for a close it started, the local code for one we started
 *                 or failed, {@link CloseCodes#NO_STATUS_RECEIVED} for an empty close frame,
 *                 {@link CloseCodes#ABNORMAL_CLOSURE} when the transport ended without a close handshake
 * @param reason   the UTF-8 reason, empty when none
 * @param wasClean true when both close frames were exchanged
 */
public record CloseStatus(int code, String reason, boolean wasClean) {
    public CloseStatus {
        if (reason == null) {
            throw new NullPointerException("reason");
        }
    }
}
