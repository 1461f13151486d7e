package dev.duplex.app.bench;

import java.nio.ByteBuffer;

/**
 * Gives each connection of a run its {@link Workload} when it opens, by its number: in fanout and hub mode the
 * first {@code connections} are subscribers and the rest publishers. Holds what the workloads share: the echo
 * frames (encoded once per run), the fanout state, the hub subscribe frame and the subscribers' seq checks. Thread-safe: loops call {@link #create} concurrently, for different
 * connections.
 */
final class WorkloadFactory {
    /** Echo frames are written at most this many bytes at a time (and encoded this many times at most). */
    private static final int MAX_TEMPLATE_BYTES = 1 << 20;

    private final BenchPlan plan;
    private final ByteBuffer echoFrames;
    private final int echoCopies;
    private final FanoutState fanout;
    private final SeqChecks seqChecks = new SeqChecks();
    private final ByteBuffer subscribeFrame;
    private final HubFrames.Publish hubPublish;
    private final double ratePerConnection;
    private volatile PublisherWorkload probeLeader;

    WorkloadFactory(BenchPlan plan) {
        this.plan = plan;
        int senders = plan.publishing() ? plan.publishers() : plan.connections();
        this.ratePerConnection = plan.rate() > 0 ? (double) plan.rate() / senders : 0;
        if (plan.mode() == Mode.ECHO) {
            int frameLength = MaskedFrames.frameLength(plan.size());
            this.echoCopies = Math.max(1, Math.min(plan.inFlight(), MAX_TEMPLATE_BYTES / frameLength));
            this.echoFrames = MaskedFrames.repeated(plan.text(), MaskedFrames.filler(plan.size(), 0), echoCopies)
                    .asReadOnlyBuffer();
        } else {
            this.echoCopies = 0;
            this.echoFrames = null;
        }
        this.fanout = plan.publishing() ? new FanoutState(plan.publishers(), plan.inFlight()) : null;
        if (plan.mode() == Mode.HUB) {
            this.subscribeFrame = MaskedFrames.repeated(true, HubFrames.subscribe(plan.topic()), 1).asReadOnlyBuffer();
            this.hubPublish = HubFrames.publish(plan.topic(), plan.size(), plan.ack());
        } else {
            this.subscribeFrame = null;
            this.hubPublish = null;
        }
    }

    /** Hub mode: the subscribers' seq checks. */
    SeqChecks seqChecks() {
        return seqChecks;
    }

    FanoutState fanout() {
        return fanout;
    }

    /** The publisher that sends join probes (publisher 0), once it is open. */
    PublisherWorkload probeLeader() {
        return probeLeader;
    }

    Workload create(BenchLoop loop, BenchConnection connection) {
        switch (plan.mode()) {
            case ECHO:
                return new EchoWorkload(loop, echoFrames, echoCopies, plan.inFlight(), plan.size(), ratePerConnection);
            case FANOUT:
            case HUB:
                int index = connection.index();
                if (index < plan.connections()) {
                    return plan.mode() == Mode.HUB
                            ? new HubSubscriberWorkload(loop, fanout, seqChecks, subscribeFrame, plan.size(),
                                    index % plan.urls().size())
                            : new SubscriberWorkload(loop, fanout, plan.size());
                }
                int id = index - plan.connections();
                PublisherWorkload publisher = new PublisherWorkload(loop, fanout, id, plan.inFlight(), plan.size(),
                        plan.text(), ratePerConnection, hubPublish);
                if (id == 0) {
                    probeLeader = publisher;
                }
                return publisher;
            default:
                return new IdleWorkload();
        }
    }
}
