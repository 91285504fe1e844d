package io.starling.loadtool.report;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcFsTest {
    // A real line's shape (proc(5)): pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt
    // cmajflt utime stime cutime cstime ...
    private static final String STAT = "4242 (java) S 1 4242 4242 0 -1 4194560 51234 0 12 0 1234 567 0 0 20 0 "
            + "35 0 123456 5000000000 30000 18446744073709551615 1 1 0 0 0 0 0 4096 1260 0 0 0 17 1 0 0 0 0 0";

    @Test
    void cpuTicksAreUtimePlusStime() {
        assertThat(ProcFs.cpuTicks(STAT)).isEqualTo(1234 + 567);
    }

    @Test
    void commandNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
        String tricky = STAT.replace("(java)", "(my (odd) name)");

        assertThat(ProcFs.cpuTicks(tricky)).isEqualTo(1234 + 567);
    }

    @Test
    void truncatedStatLineIsRefused() {
        assertThatThrownBy(() -> ProcFs.cpuTicks("4242 (java) S 1 4242"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProcFs.cpuTicks("garbage")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rssIsReadFromVmRssInKilobytes() {
        String status = "Name:\tmosquitto\nUmask:\t0022\nState:\tS (sleeping)\nVmPeak:\t   20000 kB\n"
                + "VmHWM:\t    9000 kB\nVmRSS:\t    6144 kB\nRssAnon:\t    1000 kB\nThreads:\t1\n";

        assertThat(ProcFs.rssBytes(status)).isEqualTo(6144L * 1024);
    }

    @Test
    void statusWithoutVmRssIsRefused() {
        assertThatThrownBy(() -> ProcFs.rssBytes("Name:\tkthreadd\nState:\tS (sleeping)\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("VmRSS");
    }

    @Test
    void thisProcessCanBeSampledAndAMissingOneIsEmpty() {
        ProcFs.Sample self = ProcFs.sample(ProcessHandle.current().pid()).orElseThrow();

        assertThat(self.rssBytes()).isPositive();
        assertThat(self.cpuSeconds()).isPositive();
        // PIDs are below 2^22 on Linux (pid_max); this one cannot exist.
        assertThat(ProcFs.sample(Integer.MAX_VALUE)).isEmpty();
    }

    @Test
    void toolCpuGrowsWithWork() {
        double before = ToolCpu.seconds();
        long sink = 0;
        long deadline = System.nanoTime() + 50_000_000L;
        for (int round = 0; round < 1_000_000_000 && System.nanoTime() < deadline; round++) {
            sink += Long.numberOfTrailingZeros(round * 31L + sink);
        }
        assertThat(sink).isNotNegative();
        assertThat(ToolCpu.seconds()).isGreaterThan(before);
    }

    @Test
    void brokerProcessWithoutPidReadsNothingAndWithAMissingPidFails() {
        assertThat(BrokerProcess.of(null).sample()).isNull();
        assertThatThrownBy(() -> BrokerProcess.of((long) Integer.MAX_VALUE).sample())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no process with PID");
    }
}
