package dev.duplex.app.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Hub mode: the {@link SeqCheck}s of every subscriber of a run, summed at the end. Subscribers register from their
 * loop threads; {@link #summary} runs once the loops have ended (their threads joined), so it sees what they wrote.
 */
final class SeqChecks {
    private final List<SeqCheck> checks = new ArrayList<>();

    synchronized void register(SeqCheck check) {
        checks.add(check);
    }

    /**
     * The totals over every subscriber that was subscribed. The newest seq any subscriber received is taken as
     * the topic's last: a subscriber that did not get that far lost the rest.
     */
    synchronized OrderSummary summary() {
        long newest = -1;
        for (SeqCheck c : checks) {
            if (c.started()) {
                newest = Math.max(newest, c.expected() - 1);
            }
        }
        long subscribed = 0;
        long lost = 0;
        long duplicated = 0;
        long outOfOrder = 0;
        long affected = 0;
        for (SeqCheck c : checks) {
            if (!c.started()) {
                continue;
            }
            c.end(newest);
            subscribed++;
            lost += c.lost();
            duplicated += c.duplicated();
            outOfOrder += c.outOfOrder();
            if (c.lost() + c.duplicated() + c.outOfOrder() > 0) {
                affected++;
            }
        }
        return new OrderSummary(subscribed, newest, lost, duplicated, outOfOrder, affected);
    }

    /**
     * What the subscribers' seq checks found.
     *
     * @param subscribers             subscribers that received their {@code subscribed} reply (and were checked)
     * @param lastSeq                 the newest seq any of them received, -1 if none
     * @param lost                    seqs a subscriber never received (summed over subscribers)
     * @param duplicated              seqs a subscriber received again
     * @param outOfOrder              seqs a subscriber received after a later one
     * @param subscribersWithProblems subscribers with at least one of those
     */
    record OrderSummary(long subscribers, long lastSeq, long lost, long duplicated, long outOfOrder,
                        long subscribersWithProblems) {
        long problems() {
            return lost + duplicated + outOfOrder;
        }
    }
}
