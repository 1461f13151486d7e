package dev.duplex.net;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that do static-file I/O (stat, open, read, gzip) so that no event loop blocks on the disk: two
 * daemon threads shared by every server in the JVM, started on first use and ended after 30 idle seconds, with a
 * queue of at most {@link #QUEUE} tasks. A task refused because the queue is full throws
 * {@link java.util.concurrent.RejectedExecutionException}; the caller answers 503.
 */
final class FileReads {
    static final int THREADS = 2;
    static final int QUEUE = 1024;
    private static final AtomicInteger NUMBER = new AtomicInteger();
    private static final ThreadPoolExecutor EXECUTOR = create();

    private FileReads() {
    }

    static Executor executor() {
        return EXECUTOR;
    }

    private static ThreadPoolExecutor create() {
        ThreadPoolExecutor e = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUE), r -> {
                    Thread t = new Thread(r, "duplex-files-" + NUMBER.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        e.allowCoreThreadTimeOut(true);
        return e;
    }
}
