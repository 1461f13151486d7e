package dev.duplex.hub;

/** A request refused with an error reply: the code, the request's id (null if none or unknown) and a message. */
final class HubError extends Exception {
    private final ErrorCode code;
    private final String id;

    HubError(ErrorCode code, String id, String message) {
        super(message, null, false, false);
        this.code = code;
        this.id = id;
    }

    ErrorCode code() {
        return code;
    }

    String id() {
        return id;
    }
}
