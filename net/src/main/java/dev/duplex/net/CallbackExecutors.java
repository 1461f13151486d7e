package dev.duplex.net;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The default executor for blocking callbacks: virtual threads on JDK 21 and later (found by reflection, since
 * duplex compiles for Java 17), else a cached pool of daemon threads.
 */
final class CallbackExecutors {
    private CallbackExecutors() {
    }

    static ExecutorService newDefault() {
        try {
            Method m = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
            return (ExecutorService) m.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "duplex-callback");
                t.setDaemon(true);
                return t;
            });
        }
    }
}
