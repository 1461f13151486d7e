package dev.duplex.app.bench;

import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs one {@link AttackPlan}: encodes the attack's frames once, starts the loops, lets them attack for the
 * duration (or until the server has ended every connection), stops them and gathers what happened to every
 * connection. Blocks the calling thread for the length of the run; one run per instance.
 */
final class AttackRun {
    /** Slowread and flood frames are written at most this many bytes at a time (and encoded this many times at most). */
    private static final int MAX_TEMPLATE_BYTES = 1 << 20;
    private static final long PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long STOP_WAIT_MILLIS = TimeUnit.SECONDS.toMillis(60);

    private final AttackPlan plan;
    private final PrintStream progress;
    private final ErrorLog errors = new ErrorLog();
    private final List<AttackLoop> loops = new ArrayList<>();

    /** @param progress where a line goes every second, or null for none */
    AttackRun(AttackPlan plan, PrintStream progress) {
        this.plan = plan;
        this.progress = progress;
    }

    AttackResult run() throws InterruptedException, UnknownHostException {
        int port = plan.url().getPort() >= 0 ? plan.url().getPort() : 80;
        InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(plan.url().getHost()), port);
        ByteBuffer frames = null;
        int copies = 0;
        ByteBuffer partial = null;
        if (plan.mode() == Mode.SLOWREAD || plan.mode() == Mode.FLOOD) {
            copies = Math.max(1, Math.min(64, MAX_TEMPLATE_BYTES / MaskedFrames.frameLength(plan.size())));
            frames = MaskedFrames.repeated(plan.text(), MaskedFrames.filler(plan.size(), 0), copies)
                    .asReadOnlyBuffer();
        } else if (plan.mode() == Mode.PARTIAL) {
            partial = partialFrame(plan.size());
        }
        for (int i = 0; i < plan.threads(); i++) {
            loops.add(new AttackLoop(i, plan, target, errors, frames, copies, partial));
        }
        long start = System.nanoTime();
        long deadline = start + plan.duration().toNanos();
        long lastProgress = start;
        loops.forEach(AttackLoop::start);
        while (true) {
            long now = System.nanoTime();
            if (now - deadline >= 0 || everyConnectionEnded() || loops.stream().noneMatch(l -> l.thread().isAlive())) {
                break;
            }
            if (now - lastProgress >= PROGRESS_NANOS) {
                lastProgress = now;
                printProgress(now - start);
            }
            TimeUnit.MILLISECONDS.sleep(Math.max(1, Math.min(20, TimeUnit.NANOSECONDS.toMillis(deadline - now))));
        }
        long end = System.nanoTime();
        for (AttackLoop loop : loops) {
            loop.stop();
        }
        for (AttackLoop loop : loops) {
            loop.thread().join(STOP_WAIT_MILLIS);
        }
        return result(end - start);
    }

    /**
     * A masked binary frame whose header announces {@code size} payload bytes, with all of them but the last: the
     * server has a frame in progress that never completes. Read-only.
     */
    static ByteBuffer partialFrame(int size) {
        ByteBuffer frame = MaskedFrames.repeated(false, MaskedFrames.filler(size, 0), 1);
        frame.limit(frame.limit() - 1);
        return frame.slice().asReadOnlyBuffer();
    }

    private boolean everyConnectionEnded() {
        int ended = 0;
        for (AttackLoop loop : loops) {
            ended += loop.ended();
        }
        return ended >= plan.connections();
    }

    private void printProgress(long elapsed) {
        if (progress == null) {
            return;
        }
        long attempted = 0;
        long attacking = 0;
        long live = 0;
        long byServer = 0;
        long failed = 0;
        for (AttackLoop loop : loops) {
            AttackStats s = loop.stats();
            attempted += loop.attempted();
            attacking += s.attacking.get();
            live += loop.live();
            for (Fate f : Fate.values()) {
                if (f.byServer()) {
                    byServer += s.fate(f);
                } else if (f != Fate.OPEN) {
                    failed += s.fate(f);
                }
            }
        }
        progress.printf(Locale.ROOT, "[%6.1fs] %-9s attempted %d/%d  attacking %d  open now %d  ended by server %d"
                        + "  failed %d%n", elapsed / 1e9, plan.mode().name().toLowerCase(Locale.ROOT), attempted,
                plan.connections(), attacking, live, byServer, failed);
        progress.flush();
    }

    private AttackResult result(long runNanos) {
        Histogram held = new Histogram(LoopStats.MAX_NANOS, 3);
        Map<Fate, Long> fates = new EnumMap<>(Fate.class);
        Map<Integer, Long> codes = new TreeMap<>();
        Map<Integer, Long> statuses = new TreeMap<>();
        long attempted = 0;
        long connected = 0;
        long attacking = 0;
        long retryAfter = 0;
        long frames = 0;
        long sent = 0;
        long received = 0;
        String aborted = null;
        for (AttackLoop loop : loops) {
            if (loop.thread().isAlive()) {
                aborted = loop + " did not finish within " + STOP_WAIT_MILLIS / 1000 + " s of the stop";
                continue; // its figures are still being written
            }
            AttackStats s = loop.stats();
            held.add(s.held);
            for (Fate f : Fate.values()) {
                fates.merge(f, s.fate(f), Long::sum);
            }
            s.closeCodes.forEach((k, v) -> codes.merge(k, v, Long::sum));
            s.httpStatuses.forEach((k, v) -> statuses.merge(k, v, Long::sum));
            attempted += loop.attempted();
            connected += s.connected.get();
            attacking += s.attacking.get();
            retryAfter += s.retryAfter;
            frames += s.framesSent.get();
            sent += s.bytesSent.get();
            received += s.bytesReceived.get();
        }
        if (aborted == null && errors.examples().keySet().stream().anyMatch(k -> k.contains("the attack loop failed"))) {
            aborted = "an attack loop failed (see the examples)";
        }
        return new AttackResult(plan, runNanos, attempted, connected, attacking, fates, codes, statuses, retryAfter,
                held, frames, sent, received, errors.examples(), aborted);
    }
}
