package io.starling.loadtool.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads a process's CPU time and resident memory from Linux's /proc: {@code /proc/<pid>/stat} fields 14 and 15
 * (utime and stime, in clock ticks) and the {@code VmRSS} line of {@code /proc/<pid>/status} (in kB). See proc(5).
 * The parsing methods take the files' text, so they are tested without a /proc.
 */
public final class ProcFs {
    /**
     * Clock ticks per second of the /proc CPU times (USER_HZ, {@code getconf CLK_TCK}): 100 on every Linux
     * architecture the JDK runs on; the kernel scales its internal HZ to it for user space.
     */
    public static final long CLOCK_TICKS_PER_SECOND = 100;

    /** utime is field 14 and stime field 15 of the stat line; fields are counted from 1 and field 2 is "(comm)". */
    private static final int UTIME_AFTER_COMM = 14 - 3;
    private static final int STIME_AFTER_COMM = 15 - 3;

    private ProcFs() {
    }

    /** One reading of a process. */
    public record Sample(double cpuSeconds, long rssBytes) {
    }

    /**
     * utime + stime of a {@code /proc/<pid>/stat} line, in clock ticks. The command name (field 2) is in
     * parentheses and may itself hold spaces and parentheses, so fields are counted after its last ')'.
     */
    public static long cpuTicks(String statLine) {
        int commEnd = statLine.lastIndexOf(')');
        if (commEnd < 0) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + abbreviate(statLine));
        }
        String[] fields = statLine.substring(commEnd + 1).trim().split("\\s+");
        if (fields.length <= STIME_AFTER_COMM) {
            throw new IllegalArgumentException("/proc/<pid>/stat line too short: " + abbreviate(statLine));
        }
        return Long.parseLong(fields[UTIME_AFTER_COMM]) + Long.parseLong(fields[STIME_AFTER_COMM]);
    }

    /** The resident set size from the text of {@code /proc/<pid>/status}, in bytes ({@code VmRSS: 1234 kB}). */
    public static long rssBytes(String statusText) {
        for (String line : statusText.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
                long value = Long.parseLong(parts[0]);
                if (parts.length < 2 || !parts[1].equalsIgnoreCase("kB")) {
                    throw new IllegalArgumentException("VmRSS not in kB: " + line);
                }
                return value * 1024;
            }
        }
        throw new IllegalArgumentException("no VmRSS line (a kernel thread or a zombie has none)");
    }

    /** Reads a process now; empty when it does not exist (any more). */
    public static Optional<Sample> sample(long pid) {
        Path directory = Path.of("/proc", Long.toString(pid));
        try {
            String stat = Files.readString(directory.resolve("stat"), StandardCharsets.US_ASCII);
            String status = Files.readString(directory.resolve("status"), StandardCharsets.UTF_8);
            double cpu = (double) cpuTicks(stat) / CLOCK_TICKS_PER_SECOND;
            return Optional.of(new Sample(cpu, rssBytes(status)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + ": " + e.getMessage(), e);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }
}
