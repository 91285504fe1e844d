package io.starling.security;

import io.starling.broker.spi.AuthenticationRequest;
import io.starling.broker.spi.AuthenticationResult;
import io.starling.broker.spi.Authenticator;
import io.starling.codec.ReasonCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Authenticates CONNECT user name and password against a Mosquitto password file ({@link PasswordFile}).
 *
 * <ul>
 *   <li>No user name, no password, an unknown user or a wrong password: refused with 0x86 Bad User Name or Password
 *       (MQTT 3.x clients get return code 4). The reason never says which of these it was.</li>
 *   <li>Hashing (PBKDF2) costs CPU, so it never runs on the calling event loop: requests go to a small dedicated
 *       pool with a bounded queue, and the returned stage completes from there. When the queue is full the
 *       client is refused at once with 0x89 Server Busy (it may retry later) rather than piling up work.</li>
 *   <li>The file is watched ({@link ReloadingFile}); connected clients are not affected by a reload, new CONNECTs
 *       use the new version. A version that cannot be read or has no usable entry is ignored (error logged).</li>
 * </ul>
 * The password bytes of the request are not wiped: in an {@link AuthenticatorChain} the next authenticator may need
 * them.
 */
public final class PasswordFileAuthenticator implements Authenticator, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PasswordFileAuthenticator.class);
    static final String REFUSAL_REASON = "bad user name or password";

    /**
     * @param verifierThreads threads hashing passwords
     * @param queueCapacity   verifications that may wait for a thread; beyond that, 0x89 Server Busy
     * @param reloadInterval  how often the file is checked for changes; zero: never
     */
    public record Options(int verifierThreads, int queueCapacity, Duration reloadInterval) {
        public Options {
            if (verifierThreads < 1) {
                throw new IllegalArgumentException("verifierThreads must be at least 1: " + verifierThreads);
            }
            if (queueCapacity < 1) {
                throw new IllegalArgumentException("queueCapacity must be at least 1: " + queueCapacity);
            }
            if (reloadInterval == null || reloadInterval.isNegative()) {
                throw new IllegalArgumentException("reloadInterval must be zero or positive: " + reloadInterval);
            }
        }

        /** Half the cores (1 to 4 threads), 1024 waiting verifications, checked for changes every 5 s. */
        public static Options defaults() {
            int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));
            return new Options(threads, 1024, Duration.ofSeconds(5));
        }

        public Options withVerifierThreads(int threads) {
            return new Options(threads, queueCapacity, reloadInterval);
        }

        public Options withQueueCapacity(int capacity) {
            return new Options(verifierThreads, capacity, reloadInterval);
        }

        public Options withReloadInterval(Duration interval) {
            return new Options(verifierThreads, queueCapacity, interval);
        }
    }

    private final ReloadingFile<PasswordFile> file;
    private final ExecutorService verifiers;

    PasswordFileAuthenticator(ReloadingFile<PasswordFile> file, ExecutorService verifiers) {
        this.file = file;
        this.verifiers = verifiers;
    }

    /**
     * Loads {@code passwordFile} and starts watching it.
     *
     * @throws SecurityFileException when the file is missing, unreadable or has no usable entry
     */
    public static PasswordFileAuthenticator start(Path passwordFile, Options options) {
        ReloadingFile<PasswordFile> file = ReloadingFile.watch(passwordFile, "password file", PasswordFile::parse,
                options.reloadInterval());
        return new PasswordFileAuthenticator(file, newVerifierPool(options.verifierThreads(), options.queueCapacity()));
    }

    public static PasswordFileAuthenticator start(Path passwordFile) {
        return start(passwordFile, Options.defaults());
    }

    static ThreadPoolExecutor newVerifierPool(int threads, int queueCapacity) {
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queueCapacity), runnable -> {
                    Thread thread = new Thread(runnable, "starling-password-verifier-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true); // no idle threads on a broker that rarely sees a CONNECT
        return pool;
    }

    @Override
    public CompletionStage<AuthenticationResult> authenticate(AuthenticationRequest request) {
        String user = request.username();
        byte[] password = request.password();
        if (user == null || password == null) {
            return CompletableFuture.completedFuture(refused());
        }
        CompletableFuture<AuthenticationResult> result = new CompletableFuture<>();
        try {
            verifiers.execute(() -> result.complete(verify(request.clientId(), user, password)));
        } catch (RejectedExecutionException e) {
            LOG.warn("Password verification overloaded (or stopped): CONNECT of client '{}' refused with Server Busy",
                    request.clientId());
            return CompletableFuture.completedFuture(AuthenticationResult.refuse(ReasonCode.SERVER_BUSY,
                    "too many authentications in progress, try again later"));
        }
        return result;
    }

    private AuthenticationResult verify(String clientId, String user, byte[] password) {
        try {
            if (file.current().verify(user, password)) {
                return AuthenticationResult.accept(user);
            }
            LOG.debug("Client '{}' refused: bad user name or password for '{}'", clientId, user);
            return refused();
        } catch (RuntimeException e) {
            LOG.error("Password verification of client '{}' failed", clientId, e);
            return AuthenticationResult.refuse(ReasonCode.UNSPECIFIED_ERROR, "password verification failed");
        }
    }

    private static AuthenticationResult refused() {
        return AuthenticationResult.refuse(ReasonCode.BAD_USER_NAME_OR_PASSWORD, REFUSAL_REASON);
    }

    /** The password file in use. */
    public PasswordFile passwordFile() {
        return file.current();
    }

    /** Checks the file for changes now instead of waiting for the next poll. */
    public ReloadingFile.Outcome checkForChanges() {
        return file.check();
    }

    /** Stops watching the file and the verifier threads; later CONNECTs are refused with Server Busy. */
    @Override
    public void close() {
        file.close();
        verifiers.shutdown();
    }
}
