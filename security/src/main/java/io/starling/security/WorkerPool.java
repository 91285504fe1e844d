package io.starling.security;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Small thread pools for back-end work that must never run on a network thread (hashing, signature checks, blocking
 * directory calls): fixed size, bounded queue, daemon threads that end when idle. A full queue rejects the task
 * ({@link java.util.concurrent.RejectedExecutionException}); callers answer 0x89 Server busy rather than pile work up.
 */
public final class WorkerPool {
    private WorkerPool() {
    }

    /**
     * @param name          thread name prefix, e.g. {@code starling-ldap}
     * @param threads       threads working at once
     * @param queueCapacity tasks that may wait for a thread
     */
    public static ExecutorService bounded(String name, int threads, int queueCapacity) {
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queueCapacity), runnable -> {
                    Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true); // no idle threads on a broker that rarely sees a CONNECT
        return pool;
    }
}
