package io.starling.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A file parsed into an immutable snapshot, re-read when it changes. Readers call {@link #current()} (one volatile
 * read, never blocks); a poller swaps in a new snapshot atomically. A change that cannot be read or parsed keeps
 * the previous snapshot and is logged as an error, once per version of the file.
 *
 * <p>Change detection: every poll compares the file's modification time, size and identity (inode). Writes within
 * the same clock tick of the file system can leave all three unchanged, so while the modification time is recent
 * (under {@value #SETTLE_SECONDS} s old) the content's SHA-256 is compared as well.
 *
 * @param <T> the snapshot type
 */
public final class ReloadingFile<T> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReloadingFile.class);
    private static final long SETTLE_SECONDS = 5;

    /** Parses the content of the file; throws {@link SecurityFileException} (or any runtime exception) to refuse it. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(Path file, byte[] content);
    }

    /** What one check found. */
    public enum Outcome {
        /** The file has not changed since the last check. */
        UNCHANGED,
        /** The file changed and the new snapshot is in use. */
        RELOADED,
        /** The file changed but could not be read or parsed: the previous snapshot stays in use. */
        FAILED
    }

    private record Stamp(FileTime modified, long size, Object fileKey) {
    }

    private final Path file;
    private final String description;
    private final Parser<T> parser;
    private final AtomicReference<T> current = new AtomicReference<>();
    private final ScheduledExecutorService poller;
    private Stamp stamp;
    private byte[] digest;
    private byte[] failedDigest;
    private Stamp failedStamp;
    private String lastFailure;

    private ReloadingFile(Path file, String description, Parser<T> parser, Duration interval) {
        this.file = file;
        this.description = description;
        this.parser = parser;
        Loaded<T> first = read();
        if (first.error != null) {
            throw first.error instanceof SecurityFileException security ? security
                    : new SecurityFileException(file, "cannot use " + description + " " + file + ": "
                    + first.error.getMessage(), List.of(), first.error);
        }
        current.set(first.snapshot);
        stamp = first.stamp;
        digest = first.digest;
        if (interval.isZero() || interval.isNegative()) {
            poller = null;
        } else {
            poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "starling-reload-" + file.getFileName());
                thread.setDaemon(true);
                return thread;
            });
            long millis = interval.toMillis();
            poller.scheduleWithFixedDelay(this::pollQuietly, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Loads {@code file} now and watches it every {@code interval} (zero: never, only on {@link #check()}).
     *
     * @param description what the file is, for messages ("password file", "ACL file")
     * @throws SecurityFileException when the file cannot be read or parsed: a configuration error at start
     */
    public static <T> ReloadingFile<T> watch(Path file, String description, Parser<T> parser, Duration interval) {
        return new ReloadingFile<>(file, description, Objects.requireNonNull(parser), Objects.requireNonNull(interval));
    }

    /** The snapshot in use. */
    public T current() {
        return current.get();
    }

    public Path file() {
        return file;
    }

    /** Checks the file once, now, on the calling thread (the poller does the same periodically). */
    public synchronized Outcome check() {
        Stamp now;
        try {
            now = stampOf(file);
        } catch (IOException e) {
            return fail(null, e instanceof NoSuchFileException ? "the file is missing" : e.toString());
        }
        boolean recent = now.modified().toMillis() > System.currentTimeMillis() - SETTLE_SECONDS * 1000;
        if (now.equals(stamp) && !recent) {
            return Outcome.UNCHANGED;
        }
        if (now.equals(failedStamp) && !recent) {
            return Outcome.FAILED; // the same broken version as at the last check: not parsed (nor logged) again
        }
        Loaded<T> loaded = read();
        if (loaded.digest != null && Arrays.equals(loaded.digest, digest)) {
            stamp = loaded.stamp; // same content (touched, or rewritten identically)
            return Outcome.UNCHANGED;
        }
        if (loaded.error != null) {
            failedStamp = loaded.stamp;
            return fail(loaded.digest, loaded.error instanceof SecurityFileException ? loaded.error.getMessage()
                    : loaded.error.toString());
        }
        current.set(loaded.snapshot);
        stamp = loaded.stamp;
        digest = loaded.digest;
        failedDigest = null;
        failedStamp = null;
        lastFailure = null;
        LOG.info("Reloaded {} {}", description, file);
        return Outcome.RELOADED;
    }

    private Outcome fail(byte[] contentDigest, String reason) {
        // One error per broken version of the file, not one per poll.
        boolean alreadyReported = Objects.equals(reason, lastFailure)
                && (contentDigest == null || Arrays.equals(contentDigest, failedDigest));
        if (!alreadyReported) {
            LOG.error("Cannot reload {} {}, still using the previous version: {}", description, file, reason);
        }
        failedDigest = contentDigest;
        lastFailure = reason;
        return Outcome.FAILED;
    }

    private void pollQuietly() {
        try {
            check();
        } catch (RuntimeException e) {
            LOG.error("Unexpected failure while checking {} {}", description, file, e);
        }
    }

    private record Loaded<T>(T snapshot, Stamp stamp, byte[] digest, RuntimeException error) {
    }

    private Loaded<T> read() {
        try {
            // The stamp is taken before reading: a write racing with the read then shows up at the next check.
            Stamp before = stampOf(file);
            byte[] content = Files.readAllBytes(file);
            byte[] contentDigest = sha256(content);
            try {
                return new Loaded<>(parser.parse(file, content), before, contentDigest, null);
            } catch (RuntimeException e) {
                return new Loaded<>(null, before, contentDigest, e);
            }
        } catch (IOException e) {
            String reason = e instanceof NoSuchFileException ? "the file is missing" : e.toString();
            return new Loaded<>(null, null, null, new SecurityFileException(file, "cannot read " + description
                    + " " + file + ": " + reason, List.of(), e));
        }
    }

    private static Stamp stampOf(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        return new Stamp(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
    }

    private static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    /** Stops watching; the last snapshot stays readable. */
    @Override
    public void close() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }
}
