package dev.duplex.net;

/** An {@link HttpCallHandler} as registered for one path, with its body limit and reply timeout. */
record HttpCallRoute(HttpCallHandler handler, int maxBodyBytes, long replyTimeoutNanos) {
}
