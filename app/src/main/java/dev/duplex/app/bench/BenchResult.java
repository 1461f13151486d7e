package dev.duplex.app.bench;

import org.HdrHistogram.Histogram;

import java.util.List;
import java.util.Map;

/**
 * Everything a finished run measured, for the text and JSON reports. Immutable once built (the histograms are
 * private copies).
 *
 * @param plan              what was run
 * @param opened            connections that completed the upgrade
 * @param failedAttempts    connections that did not (their causes are in {@code errors})
 * @param connectNanos      from the first connection attempt until the last one opened or failed
 * @param handshake         connect plus upgrade time per opened connection, nanoseconds
 * @param windowNanos       the measured window (connect mode: the connect phase)
 * @param messages          echo: round trips; fanout: deliveries to subscribers; connect: 0
 * @param payloadBytes      payload bytes of {@code messages}
 * @param published         fanout: messages every subscriber received; else 0
 * @param latency           echo round trip or fanout delivery latency, nanoseconds
 * @param errors            failures by kind, over the whole run
 * @param errorExamples     up to a few distinct failure messages with their counts
 * @param processCpuNanos   this process's CPU time in the window, -1 if unknown
 * @param loopCpuNanos      the selector loop threads' CPU time in the window, -1 if unknown
 * @param serverCpuNanos    the server process's CPU time in the window, -1 without {@code --server-pid}
 * @param serverCpuProblem  why the server's CPU could not be read, or null
 * @param aborted           why the run stopped before measuring, or null
 * @param order             hub mode: what the subscribers' seq checks found; else null
 * @param ackLatency        hub mode with ack: publish to ack, nanoseconds (empty otherwise)
 * @param latencyByUrl      hub mode: delivery latency of the subscribers on each URL, in the plan's order
 */
record BenchResult(BenchPlan plan, long opened, long failedAttempts, long connectNanos, Histogram handshake,
                   long windowNanos, long messages, long payloadBytes, long published, Histogram latency,
                   Map<ErrorKind, Long> errors, Map<String, Long> errorExamples, long processCpuNanos,
                   long loopCpuNanos, long serverCpuNanos, String serverCpuProblem, String aborted,
                   SeqChecks.OrderSummary order, Histogram ackLatency, List<Histogram> latencyByUrl) {

    long totalErrors() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Whether the run counts as clean: measured, no error, and (hub) nothing lost, duplicated or reordered. */
    boolean clean() {
        return aborted == null && totalErrors() == 0 && (order == null || order.problems() == 0);
    }

    double windowSeconds() {
        return windowNanos / 1e9;
    }

    double perSecond(long count) {
        return windowNanos <= 0 ? 0 : count / windowSeconds();
    }

    /** What the CPU figures are divided by: messages, deliveries or connections. */
    long cpuUnits() {
        return plan.mode() == Mode.CONNECT ? opened : messages;
    }

    String cpuUnitName() {
        return switch (plan.mode()) {
            case ECHO -> "message";
            case FANOUT, HUB -> "delivery";
            default -> "connection"; // connect mode (attack modes have their own report)
        };
    }

    /** CPU time as a percentage of one core over the window, or -1. */
    double percentOfCore(long cpuNanos) {
        return cpuNanos < 0 || windowNanos <= 0 ? -1 : 100.0 * cpuNanos / windowNanos;
    }

    /** CPU microseconds per {@link #cpuUnitName()}, or -1. */
    double microsPerUnit(long cpuNanos) {
        return cpuNanos < 0 || cpuUnits() == 0 ? -1 : cpuNanos / 1e3 / cpuUnits();
    }
}
