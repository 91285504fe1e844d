package io.starling.loadtool.report;

/**
 * The broker's process, when the run was given its PID: CPU time and RSS read from /proc at the start and end of
 * what a scenario measures. Without a PID, every reading is absent and the report leaves the broker fields null.
 */
public final class BrokerProcess {
    private final Long pid;

    private BrokerProcess(Long pid) {
        this.pid = pid;
    }

    /** @param pid the broker's process id, or null */
    public static BrokerProcess of(Long pid) {
        return new BrokerProcess(pid);
    }

    public Long pid() {
        return pid;
    }

    /**
     * A reading now; null without a PID. A PID that names no process is an error: the numbers would silently be
     * someone else's, or missing.
     */
    public ProcFs.Sample sample() {
        if (pid == null) {
            return null;
        }
        return ProcFs.sample(pid).orElseThrow(() -> new IllegalStateException("no process with PID " + pid
                + " (--broker-pid); has the broker stopped?"));
    }
}
