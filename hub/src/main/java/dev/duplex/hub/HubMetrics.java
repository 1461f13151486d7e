package dev.duplex.hub;

/**
 * Counters since the hub was built, for monitoring (e.g. an app's {@code /metrics}). A snapshot; each field is
 * read atomically, the set is not.
 *
 * @param connections         hub connections ({@code /hub}) open now
 * @param topics              live topics now (with a subscriber or kept history)
 * @param published           messages committed (from clients and from server code)
 * @param delivered           live and replayed messages queued to subscribers (one per recipient)
 * @param stored              messages written to the store
 * @param replayed            messages sent from the store on resume or history
 * @param errors              {@code error} replies sent, failed commits and listener failures
 * @param slowConsumersClosed connections closed with 1013 because their outbound buffer passed the limit
 * @param topicsReclaimed     topics dropped (from memory and store) because they had no subscriber and no kept
 *                            history
 * @param topicCreationsRefused publishes and subscribes refused with {@code topic_rate_limited}
 * @param tokenExpiriesClosed connections closed with 4001 because their token's {@code exp} passed
 * @param duplicatePublishes  publishes not stored because their {@code key} was a known one (acked with the
 *                            first publish's seq)
 */
public record HubMetrics(long connections, long topics, long published, long delivered, long stored,
                         long replayed, long errors, long slowConsumersClosed, long topicsReclaimed,
                         long topicCreationsRefused, long tokenExpiriesClosed, long duplicatePublishes) {
}
