package dev.duplex.app.bench;

import org.HdrHistogram.Histogram;

import java.util.Map;

/**
 * What an attack run saw happen to its connections, for the text and JSON reports. Immutable once built (the
 * histogram and maps are private copies).
 *
 * @param plan          what was run
 * @param runNanos      from the first connection attempt until the end of the attack
 * @param attempted     connections attempted
 * @param connected     connections whose TCP connect completed
 * @param attacking     connections that started attacking: upgraded (slowloris: connected)
 * @param fates         every attempted connection by how it ended
 * @param closeCodes    close codes the server sent, by code
 * @param httpStatuses  HTTP statuses of refused upgrades (slowloris: of any answer), by status
 * @param retryAfter    refusals with a Retry-After header
 * @param held          time from TCP connect until the server ended the connection, nanoseconds
 * @param framesSent    complete frames written
 * @param bytesSent     bytes written (request heads included)
 * @param bytesReceived bytes read
 * @param examples      up to a few distinct failure messages with their counts
 * @param aborted       why the attack could not run as planned, or null
 */
record AttackResult(AttackPlan plan, long runNanos, long attempted, long connected, long attacking,
                    Map<Fate, Long> fates, Map<Integer, Long> closeCodes, Map<Integer, Long> httpStatuses,
                    long retryAfter, Histogram held, long framesSent, long bytesSent, long bytesReceived,
                    Map<String, Long> examples, String aborted) {

    long fate(Fate fate) {
        return fates.getOrDefault(fate, 0L);
    }

    /** Connections the server ended: closed, ended without close frame, reset or refused with a status. */
    long endedByServer() {
        return fates.entrySet().stream().filter(e -> e.getKey().byServer()).mapToLong(Map.Entry::getValue).sum();
    }
}
