package dev.duplex.net;

/** An endpoint and its options, as registered for one path. */
record Route(String path, Endpoint endpoint, EndpointOptions options) {
}
