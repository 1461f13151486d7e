package dev.duplex.core;

/**
 * Close status codes of RFC 6455 section 7.4 and the rules on which of them may travel in a close frame.
 */
public final class CloseCodes {
    public static final int NORMAL = 1000;
    public static final int GOING_AWAY = 1001;
    public static final int PROTOCOL_ERROR = 1002;
    public static final int UNSUPPORTED_DATA = 1003;
    /** Never on the wire: the close frame had no status code. */
    public static final int NO_STATUS_RECEIVED = 1005;
    /** Never on the wire: the connection ended without a close frame. */
    public static final int ABNORMAL_CLOSURE = 1006;
    public static final int INVALID_PAYLOAD = 1007;
    public static final int POLICY_VIOLATION = 1008;
    public static final int MESSAGE_TOO_BIG = 1009;
    public static final int MANDATORY_EXTENSION = 1010;
    public static final int INTERNAL_ERROR = 1011;
    public static final int SERVICE_RESTART = 1012;
    public static final int TRY_AGAIN_LATER = 1013;
    /** Never on the wire: the TLS handshake failed. */
    public static final int TLS_HANDSHAKE = 1015;

    private CloseCodes() {
    }

    /**
     * Whether {@code code} may appear in a close frame: 1000-1003, 1007-1014 (registered by IANA after the RFC)
     * and 3000-4999. Everything else, including 1004-1006 and 1015, is a protocol error when received.
     */
    public static boolean isValidOnWire(int code) {
        return (code >= 1000 && code <= 1003)
                || (code >= 1007 && code <= 1014)
                || (code >= 3000 && code <= 4999);
    }
}
