package io.starling.loadtool.report;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * CPU time of this JVM, every thread together (event loops, GC, JIT): the load tool's own cost, reported next to
 * the broker's so that a run whose tool saturated the machine is recognised as such.
 */
public final class ToolCpu {
    private ToolCpu() {
    }

    /** Seconds of CPU used by this process so far: nanosecond resolution where the JDK offers it, else /proc. */
    public static double seconds() {
        OperatingSystemMXBean bean = ManagementFactory.getOperatingSystemMXBean();
        if (bean instanceof com.sun.management.OperatingSystemMXBean hotspot) {
            long nanos = hotspot.getProcessCpuTime();
            if (nanos >= 0) {
                return nanos / 1e9;
            }
        }
        return ProcFs.sample(ProcessHandle.current().pid())
                .map(ProcFs.Sample::cpuSeconds)
                .orElse(Double.NaN);
    }
}
