package dev.duplex.app.bench;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs one {@link BenchPlan}: starts the selector loops, takes them through the phases (connect, join for fanout,
 * warm-up, the measured window or the hold), samples CPU at both ends of the window, and gathers the result.
 * Blocks the calling thread for the length of the run; one run per instance.
 */
final class Bench {
    private static final long PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final BenchPlan plan;
    private final PrintStream progress;
    private final ErrorLog errors = new ErrorLog();
    private final List<BenchLoop> loops = new ArrayList<>();
    private long runStart;
    private long lastProgress;
    private long lastMessages;
    private long lastBytes;
    private Phase phase = Phase.CONNECT;

    /** @param progress where a line goes every second, or null for none */
    Bench(BenchPlan plan, PrintStream progress) {
        this.plan = plan;
        this.progress = progress;
    }

    BenchResult run() throws InterruptedException, UnknownHostException {
        Targets targets = Targets.resolve(plan);
        CountDownLatch settled = new CountDownLatch(plan.totalConnections());
        WorkloadFactory workloads = new WorkloadFactory(plan);
        for (int i = 0; i < plan.threads(); i++) {
            loops.add(new BenchLoop(i, plan, targets, workloads, errors, settled));
        }
        OwnCpu own = new OwnCpu(loops.stream().map(BenchLoop::thread).toList());
        ProcStatCpu server = plan.serverPid() > 0 ? new ProcStatCpu(plan.serverPid()) : null;
        CpuWindow window = new CpuWindow(own, server);

        runStart = System.nanoTime();
        lastProgress = runStart;
        if (plan.mode() == Mode.CONNECT) {
            window.begin();
        }
        loops.forEach(BenchLoop::start);
        waitFor(() -> settled.getCount() == 0, Long.MAX_VALUE);
        long connectEnd = loops.stream().mapToLong(l -> l.stats().lastSettledNanos).max().orElse(runStart);
        String aborted = null;
        if (plan.mode() == Mode.CONNECT) {
            window.end(connectEnd);
            if (openConnections() > 0) {
                enter(Phase.HOLD);
                sleepWithProgress(plan.hold());
            }
        } else if (openConnections() == 0) {
            aborted = noneOpen();
        } else {
            aborted = plan.publishing() ? join(workloads.fanout()) : null;
            if (aborted == null) {
                measure(window);
                if (plan.mode() == Mode.HUB) {
                    drain(workloads.fanout());
                }
            }
        }
        enter(Phase.STOP);
        for (BenchLoop loop : loops) {
            loop.thread().join(TimeUnit.SECONDS.toMillis(10));
        }
        SeqChecks.OrderSummary order = plan.mode() == Mode.HUB ? workloads.seqChecks().summary() : null;
        return result(connectEnd, window, aborted, order);
    }

    /**
     * Hub mode, after the window: the publishers stop and the messages in flight get up to {@code --timeout} to
     * arrive (a message still missing after that is a timeout error, and lost to the subscribers that lack it).
     */
    private void drain(FanoutState fanout) throws InterruptedException {
        enter(Phase.DRAIN);
        waitFor(fanout::drained, System.nanoTime() + plan.timeout().toNanos() + TimeUnit.SECONDS.toNanos(1));
    }

    /**
     * Why no connection is open when the load should start: none could be opened, or every one that opened has
     * closed already (e.g. the endpoint does not answer the way the mode needs), with the first error seen.
     */
    private String noneOpen() {
        long opened = 0;
        for (BenchLoop loop : loops) {
            opened += loop.stats().opened.get();
        }
        String first = errors.examples().keySet().stream().findFirst().map(e -> " (first error: " + e + ")")
                .orElse("");
        if (opened == 0) {
            return "no connection could be opened" + first;
        }
        return (opened == 1 ? "the only connection" : "all " + opened + " connections")
                + " opened, then closed before the load started" + first;
    }

    /** Fanout: publisher 0 sends probes until every open subscriber has received one; returns a problem or null. */
    private String join(FanoutState fanout) throws InterruptedException {
        enter(Phase.JOIN);
        long deadline = System.nanoTime() + plan.timeout().toNanos();
        boolean joined = waitFor(() -> fanout.liveSubscribers() > 0
                && fanout.joinedSubscribers() >= fanout.liveSubscribers(), deadline);
        if (joined) {
            return null;
        }
        if (fanout.liveSubscribers() == 0) {
            return "no subscriber connection is open";
        }
        String question = plan.mode() == Mode.HUB
                ? "do the servers share the topic " + plan.topic() + " (one node, or nodes over one Redis)?"
                : "does the server broadcast every message to every connection on " + plan.url().getPath() + "?";
        return "only " + fanout.joinedSubscribers() + " of " + fanout.liveSubscribers() + " subscribers received the"
                + " publisher's probe within " + plan.timeout().toMillis() + " ms: " + question;
    }

    private void measure(CpuWindow window) throws InterruptedException {
        if (!plan.warmup().isZero()) {
            enter(Phase.WARMUP);
            sleepWithProgress(plan.warmup());
        }
        CountDownLatch budgets = null;
        if (plan.counted()) {
            budgets = new CountDownLatch(loops.size());
            assignBudgets(budgets);
        }
        window.begin();
        phase = Phase.MEASURE;
        CountDownLatch windowOpen = new CountDownLatch(loops.size());
        for (BenchLoop loop : loops) {
            loop.openWindow(windowOpen);
        }
        waitFor(() -> windowOpen.getCount() == 0 || loops.stream().anyMatch(l -> !l.thread().isAlive()),
                Long.MAX_VALUE);
        loops.forEach(BenchLoop::requestLoad);
        if (budgets != null) {
            CountDownLatch done = budgets;
            waitFor(() -> done.getCount() == 0 || openConnections() == 0, Long.MAX_VALUE);
        } else {
            long end = System.nanoTime() + plan.duration().toNanos();
            waitFor(() -> openConnections() == 0, end);
        }
        window.end(System.nanoTime());
    }

    /** Splits the message count over the loops in proportion to their open sending connections. */
    private void assignBudgets(CountDownLatch latch) {
        int[] open = new int[loops.size()];
        long total = 0;
        for (int i = 0; i < loops.size(); i++) {
            open[i] = loops.get(i).openBudgeted();
            total += open[i];
        }
        long left = plan.messages();
        for (int i = 0; i < loops.size(); i++) {
            long share = total == 0 ? 0 : i == loops.size() - 1 ? left : plan.messages() * open[i] / total;
            share = Math.min(share, left);
            left -= share;
            loops.get(i).assignBudget(share, latch);
        }
    }

    private void enter(Phase next) {
        phase = next;
        for (BenchLoop loop : loops) {
            loop.phase(next);
        }
    }

    private void sleepWithProgress(Duration duration) throws InterruptedException {
        waitFor(() -> openConnections() == 0, System.nanoTime() + duration.toNanos());
    }

    /**
     * Waits until {@code condition} holds or {@code deadline} ({@link System#nanoTime()}) passes, printing progress
     * lines meanwhile; returns whether the condition held.
     */
    private boolean waitFor(BooleanSupplier condition, long deadline) throws InterruptedException {
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                return false;
            }
            if (now - lastProgress >= PROGRESS_NANOS) {
                printProgress(now);
            }
            long pause = Math.min(TimeUnit.MILLISECONDS.toNanos(5), deadline - now);
            TimeUnit.NANOSECONDS.sleep(Math.max(pause, 1));
        }
    }

    private void printProgress(long now) {
        long messages = 0;
        long bytes = 0;
        long opened = 0;
        long failed = 0;
        for (BenchLoop loop : loops) {
            messages += loop.stats().messages.get();
            bytes += loop.stats().bytes.get();
            opened += loop.stats().opened.get();
            failed += loop.stats().failed.get();
        }
        double seconds = (now - lastProgress) / 1e9;
        long delta = messages >= lastMessages ? messages - lastMessages : messages;
        long deltaBytes = bytes >= lastBytes ? bytes - lastBytes : bytes;
        lastMessages = messages;
        lastBytes = bytes;
        lastProgress = now;
        if (progress == null) {
            return;
        }
        String line = String.format(Locale.ROOT, "[%6.1fs] %-8s open %d/%d", (now - runStart) / 1e9,
                phase.name().toLowerCase(Locale.ROOT), openConnections(), plan.totalConnections());
        if (phase == Phase.CONNECT) {
            line += String.format(Locale.ROOT, "  opened %d  failed %d", opened, failed);
        } else if (phase == Phase.MEASURE) {
            line += String.format(Locale.ROOT, "  %.0f %s/s  %.2f MB/s  (%d so far)", delta / seconds,
                    plan.publishing() ? "deliveries" : "msgs", deltaBytes / 1e6 / seconds, messages);
        }
        line += "  errors " + errors.total();
        progress.println(line);
        progress.flush();
    }

    private int openConnections() {
        int open = 0;
        for (BenchLoop loop : loops) {
            open += loop.openConnections();
        }
        return open;
    }

    private BenchResult result(long connectEnd, CpuWindow window, String aborted, SeqChecks.OrderSummary order) {
        Histogram handshake = new Histogram(LoopStats.MAX_NANOS, 3);
        Histogram latency = new Histogram(LoopStats.MAX_NANOS, 3);
        Histogram ackLatency = new Histogram(LoopStats.MAX_NANOS, 3);
        java.util.List<Histogram> byUrl = new ArrayList<>();
        for (int i = 0; i < plan.urls().size(); i++) {
            byUrl.add(new Histogram(LoopStats.MAX_NANOS, 3));
        }
        long opened = 0;
        long failed = 0;
        long messages = 0;
        long bytes = 0;
        long published = 0;
        for (BenchLoop loop : loops) {
            LoopStats s = loop.stats();
            handshake.add(s.handshake);
            latency.add(s.latency);
            ackLatency.add(s.ackLatency);
            for (int i = 0; i < byUrl.size(); i++) {
                byUrl.get(i).add(s.latencyByUrl[i]);
            }
            opened += s.opened.get();
            failed += s.failed.get();
            messages += s.messages.get();
            bytes += s.bytes.get();
            published += s.published.get();
        }
        return new BenchResult(plan, opened, failed, Math.max(0, connectEnd - runStart), handshake,
                window.nanos(), messages, bytes, published, latency, errors.byKind(), errors.examples(),
                window.processCpuNanos(), window.loopCpuNanos(), window.serverCpuNanos(), window.serverProblem(),
                aborted, order, ackLatency, byUrl);
    }

    /** CPU readings at the start and end of the measured window. */
    private static final class CpuWindow {
        private final OwnCpu own;
        private final ProcStatCpu server;
        private long start;
        private long end;
        private long process0;
        private long process1;
        private long loops0;
        private long loops1;
        private long server0 = -1;
        private long server1 = -1;
        private String serverProblem;

        CpuWindow(OwnCpu own, ProcStatCpu server) {
            this.own = own;
            this.server = server;
        }

        void begin() {
            start = System.nanoTime();
            process0 = own.processNanos();
            loops0 = own.loopThreadsNanos();
            server0 = readServer();
        }

        void end(long at) {
            end = at;
            process1 = own.processNanos();
            loops1 = own.loopThreadsNanos();
            server1 = readServer();
        }

        private long readServer() {
            if (server == null || serverProblem != null) {
                return -1;
            }
            try {
                return server.cpuNanos();
            } catch (IOException | RuntimeException e) {
                serverProblem = "cannot read the CPU time of process " + server.pid() + ": " + e;
                return -1;
            }
        }

        long nanos() {
            return end > start ? end - start : 0;
        }

        long processCpuNanos() {
            return process0 < 0 || process1 < 0 || end == 0 ? -1 : process1 - process0;
        }

        long loopCpuNanos() {
            return loops0 < 0 || loops1 < 0 || end == 0 ? -1 : loops1 - loops0;
        }

        long serverCpuNanos() {
            return server0 < 0 || server1 < 0 || serverProblem != null ? -1 : server1 - server0;
        }

        String serverProblem() {
            return serverProblem;
        }
    }
}
