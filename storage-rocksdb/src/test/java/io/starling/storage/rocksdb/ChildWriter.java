package io.starling.storage.rocksdb;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Runs {@link CrashWriterMain} in a child JVM and kills it with SIGKILL once it has acknowledged enough batches. */
final class ChildWriter {

    private ChildWriter() {
    }

    /** Every batch id the child printed as acknowledged before it died. */
    static Set<Long> writeThenKill(Path directory, long run, int threads, int killAfterAcks, Path errorLog)
            throws IOException, InterruptedException {
        return writeThenKill(directory, run, threads, "sync", killAfterAcks, errorLog);
    }

    static Set<Long> writeThenKill(Path directory, long run, int threads, String durability, int killAfterAcks,
                                   Path errorLog) throws IOException, InterruptedException {
        Process child = start(directory, run, threads, durability, errorLog);
        Set<Long> acknowledged = new HashSet<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while (acknowledged.size() < killAfterAcks && (line = out.readLine()) != null) {
                record(line, acknowledged);
            }
            if (acknowledged.size() < killAfterAcks) {
                throw new AssertionError("the child ended after " + acknowledged.size() + " acknowledgements: "
                        + Files.readString(errorLog));
            }
            // SIGKILL through the handle: Process.destroyForcibly would also close our end of the pipe.
            child.toHandle().destroyForcibly();
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("the child did not die");
            }
            // What it printed before it died was acknowledged too.
            while ((line = out.readLine()) != null) {
                record(line, acknowledged);
            }
        } finally {
            child.destroyForcibly();
        }
        return acknowledged;
    }

    static Process start(Path directory, long run, int threads, String durability, Path errorLog)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), CrashWriterMain.class.getName(),
                directory.toString(), Long.toString(run), Integer.toString(threads), durability))
                .redirectError(errorLog.toFile())
                .start();
    }

    private static void record(String line, Set<Long> acknowledged) {
        if (line.startsWith("ACK ")) {
            acknowledged.add(Long.parseLong(line.substring(4).trim()));
        }
    }
}
