package dev.duplex.app;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A built-in source of live data for the demo page: every {@code interval} it publishes
 * {@code {"value":<0..100, two decimals>,"n":<count from 1>}} to one topic, the value following a bounded random
 * walk so the chart has something to show.
 *
 * <p>Threading: publishes from its own single daemon thread, so a slow publisher delays the feed but never an
 * event loop. {@link #close()} stops it: no publish starts after close returns. A publisher that throws is reported
 * to the error handler and the feed carries on.
 */
final class DemoFeed implements AutoCloseable {
    private final String topic;
    private final Duration interval;
    private final BiConsumer<String, String> publisher;
    private final Consumer<Throwable> errors;
    private final Random random;
    private final ScheduledExecutorService timer;
    private double value = 50;
    private long count;

    /**
     * @param publisher receives (topic, JSON text), e.g. {@code hub::publish}
     * @param errors    receives what the publisher throws
     */
    DemoFeed(String topic, Duration interval, BiConsumer<String, String> publisher, Consumer<Throwable> errors,
             Random random) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the feed interval must be positive, was " + interval);
        }
        this.topic = Objects.requireNonNull(topic);
        this.interval = interval;
        this.publisher = Objects.requireNonNull(publisher);
        this.errors = Objects.requireNonNull(errors);
        this.random = Objects.requireNonNull(random);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "duplex-demo-feed");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts publishing; the first update goes out right away. */
    DemoFeed start() {
        long millis = interval.toMillis();
        timer.scheduleAtFixedRate(this::publishNext, 0, millis, TimeUnit.MILLISECONDS);
        return this;
    }

    String topic() {
        return topic;
    }

    private void publishNext() {
        value = Math.max(0, Math.min(100, value + random.nextGaussian() * 3));
        count++;
        String json = String.format(Locale.ROOT, "{\"value\":%.2f,\"n\":%d}", value, count);
        try {
            publisher.accept(topic, json);
        } catch (RuntimeException e) {
            errors.accept(e);
        }
    }

    /** True once {@link #close()} has stopped the feed's thread: nothing more will be published. */
    boolean isStopped() {
        return timer.isTerminated();
    }

    /** Stops the feed and waits (up to 5 s) for a publish in progress to finish. */
    @Override
    public void close() {
        timer.shutdown(); // cancels the periodic task without interrupting a publish in progress
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
