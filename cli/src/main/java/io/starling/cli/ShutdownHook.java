package io.starling.cli;

import java.util.concurrent.Callable;

/**
 * Runs a piece of work with a JVM shutdown hook in place (Ctrl-C, SIGTERM), and removes the hook when the work
 * ends on its own, so that commands run in tests leave no hooks behind.
 */
final class ShutdownHook {

    private ShutdownHook() {
    }

    static <T> T during(String name, Runnable onShutdown, Callable<T> work) throws Exception {
        Thread hook = new Thread(onShutdown, name);
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return work.call();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shutdownInProgress) {
                // The hook is running or has run; the JVM is going away.
            }
        }
    }
}
