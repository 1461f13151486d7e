package dev.duplex.hub;

/** A parsed client request on {@code /hub}. {@code id} is the client's correlation id, null if none. */
sealed interface Request {

    String id();

    /** {@code since} and {@code history} are null when absent; at most one of them is set. */
    record Subscribe(String id, String topic, Long since, Integer history) implements Request {
    }

    record Unsubscribe(String id, String topic) implements Request {
    }

    /**
     * {@code data} is the compact JSON text of the request's {@code data} value; {@code key} the client's
     * idempotency key ({@link PublishKeys#isValid}), null if none.
     */
    record Publish(String id, String topic, String data, boolean ack, String key) implements Request {
        Publish(String id, String topic, String data, boolean ack) {
            this(id, topic, data, ack, null);
        }
    }

    record Ping(String id) implements Request {
    }
}
