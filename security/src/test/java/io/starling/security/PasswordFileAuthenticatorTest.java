package io.starling.security;

import io.starling.broker.spi.AuthenticationRequest;
import io.starling.broker.spi.AuthenticationResult;
import io.starling.codec.MqttVersion;
import io.starling.codec.ReasonCode;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PasswordFileAuthenticatorTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
    }

    private Path passwordFile(String user, String password) throws IOException {
        Path file = dir.resolve("passwd");
        PasswdTool.setPassword(file, user, password.toCharArray(), true);
        return file;
    }

    private PasswordFileAuthenticator start(Path file, PasswordFileAuthenticator.Options options) {
        PasswordFileAuthenticator authenticator = PasswordFileAuthenticator.start(file, options);
        toClose.add(authenticator);
        return authenticator;
    }

    private static PasswordFileAuthenticator.Options noReload() {
        return PasswordFileAuthenticator.Options.defaults().withReloadInterval(Duration.ZERO);
    }

    private static AuthenticationRequest request(String user, String password) {
        return new AuthenticationRequest("client-" + user, user,
                password == null ? null : password.getBytes(StandardCharsets.UTF_8), MqttVersion.MQTT_5, null,
                "default");
    }

    private static AuthenticationResult await(CompletionStage<AuthenticationResult> stage) throws Exception {
        return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static AuthenticationResult badCredentials() {
        return AuthenticationResult.refuse(ReasonCode.BAD_USER_NAME_OR_PASSWORD,
                PasswordFileAuthenticator.REFUSAL_REASON);
    }

    @Test
    void rightPasswordIsAcceptedUnderItsUserName() throws Exception {
        PasswordFileAuthenticator authenticator = start(passwordFile("alice", "secret"), noReload());

        assertThat(await(authenticator.authenticate(request("alice", "secret"))))
                .isEqualTo(AuthenticationResult.accept("alice"));
    }

    @Test
    void missingOrWrongCredentialsAreRefusedWithBadUserNameOrPassword() throws Exception {
        PasswordFileAuthenticator authenticator = start(passwordFile("alice", "secret"), noReload());

        assertThat(await(authenticator.authenticate(request(null, null)))).isEqualTo(badCredentials());
        assertThat(await(authenticator.authenticate(request(null, "secret")))).isEqualTo(badCredentials());
        assertThat(await(authenticator.authenticate(request("alice", null)))).isEqualTo(badCredentials());
        assertThat(await(authenticator.authenticate(request("alice", "Secret")))).isEqualTo(badCredentials());
        assertThat(await(authenticator.authenticate(request("mallory", "secret")))).isEqualTo(badCredentials());
    }

    @Test
    void verificationRunsOffTheCallingThreadAndCompletesLater() throws Exception {
        ThreadPoolExecutor pool = PasswordFileAuthenticator.newVerifierPool(1, 4);
        CountDownLatch release = new CountDownLatch(1);
        pool.execute(() -> awaitQuietly(release)); // the only verifier is busy
        PasswordFileAuthenticator authenticator = new PasswordFileAuthenticator(
                ReloadingFile.watch(passwordFile("alice", "secret"), "password file", PasswordFile::parse,
                        Duration.ZERO), pool);
        toClose.add(authenticator);

        CompletionStage<AuthenticationResult> pending = authenticator.authenticate(request("alice", "secret"));

        assertThat(pending.toCompletableFuture()).isNotDone(); // returned without hashing on this thread
        CompletableFuture<String> completedOn = pending.toCompletableFuture()
                .thenApply(result -> result + " on " + Thread.currentThread().getName());
        release.countDown();
        assertThat(completedOn.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .startsWith("Accepted[username=alice,").contains("starling-password-verifier-");
    }

    @Test
    void overloadedVerifierRefusesAtOnceWithServerBusy() throws Exception {
        ThreadPoolExecutor pool = PasswordFileAuthenticator.newVerifierPool(1, 1);
        CountDownLatch release = new CountDownLatch(1);
        pool.execute(() -> awaitQuietly(release)); // the verifier thread is busy
        PasswordFileAuthenticator authenticator = new PasswordFileAuthenticator(
                ReloadingFile.watch(passwordFile("alice", "secret"), "password file", PasswordFile::parse,
                        Duration.ZERO), pool);
        toClose.add(authenticator);

        CompletionStage<AuthenticationResult> queued = authenticator.authenticate(request("alice", "secret"));
        CompletionStage<AuthenticationResult> overflow = authenticator.authenticate(request("alice", "secret"));

        assertThat(overflow.toCompletableFuture()).isDone();
        AuthenticationResult busy = overflow.toCompletableFuture().join();
        assertThat(busy).isInstanceOf(AuthenticationResult.Refused.class);
        assertThat(((AuthenticationResult.Refused) busy).reasonCode()).isEqualTo(ReasonCode.SERVER_BUSY);
        release.countDown();
        assertThat(await(queued)).isEqualTo(AuthenticationResult.accept("alice"));
    }

    @Test
    void manyConcurrentVerificationsAllGetTheRightAnswer() throws Exception {
        Path file = dir.resolve("passwd");
        for (int i = 0; i < 10; i++) {
            PasswdTool.setPassword(file, "user" + i, ("pw" + i).toCharArray(), i == 0);
        }
        PasswordFileAuthenticator authenticator = start(file, noReload().withVerifierThreads(2).withQueueCapacity(1000));
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> checks = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                int user = i % 10;
                boolean right = i % 3 != 0;
                String password = right ? "pw" + user : "pw" + (user + 1);
                checks.add(callers.submit(() -> {
                    AuthenticationResult result = await(authenticator.authenticate(request("user" + user, password)));
                    return right ? result.equals(AuthenticationResult.accept("user" + user))
                            : result.equals(badCredentials());
                }));
            }
            for (Future<Boolean> check : checks) {
                assertThat(check.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void changedFileIsReloadedWithoutRestart() throws Exception {
        Path file = passwordFile("alice", "old");
        PasswordFileAuthenticator authenticator = start(file,
                PasswordFileAuthenticator.Options.defaults().withReloadInterval(Duration.ofMillis(50)));
        assertThat(await(authenticator.authenticate(request("alice", "old")))).isEqualTo(AuthenticationResult.accept("alice"));

        PasswdTool.setPassword(file, "alice", "new".toCharArray(), false);
        PasswdTool.setPassword(file, "bob", "bobs".toCharArray(), false);

        Awaitility.await("new password file in use").atMost(WAIT).until(() ->
                await(authenticator.authenticate(request("bob", "bobs"))).equals(AuthenticationResult.accept("bob")));
        assertThat(await(authenticator.authenticate(request("alice", "new")))).isEqualTo(AuthenticationResult.accept("alice"));
        assertThat(await(authenticator.authenticate(request("alice", "old")))).isEqualTo(badCredentials());
    }

    @Test
    void rewriteInPlaceWithinTheSameClockTickIsStillNoticed() throws Exception {
        Path file = dir.resolve("passwd");
        String oldLine = "alice:" + PasswordHash.create("old".getBytes(StandardCharsets.UTF_8), 101,
                new java.security.SecureRandom()).format() + "\n";
        String newLine = "alice:" + PasswordHash.create("new".getBytes(StandardCharsets.UTF_8), 101,
                new java.security.SecureRandom()).format() + "\n";
        Files.writeString(file, oldLine);
        PasswordFileAuthenticator authenticator = start(file, noReload());

        Files.writeString(file, newLine); // same size, same inode, very likely the same modification time

        assertThat(authenticator.checkForChanges()).isEqualTo(ReloadingFile.Outcome.RELOADED);
        assertThat(await(authenticator.authenticate(request("alice", "new")))).isEqualTo(AuthenticationResult.accept("alice"));
    }

    @Test
    void reloadThatFailsKeepsThePreviousVersion() throws Exception {
        Path file = passwordFile("alice", "secret");
        PasswordFileAuthenticator authenticator = start(file, noReload());

        Files.writeString(file, "alice:not-a-hash\n");
        assertThat(authenticator.checkForChanges()).isEqualTo(ReloadingFile.Outcome.FAILED);
        assertThat(await(authenticator.authenticate(request("alice", "secret")))).isEqualTo(AuthenticationResult.accept("alice"));

        Files.delete(file);
        assertThat(authenticator.checkForChanges()).isEqualTo(ReloadingFile.Outcome.FAILED);
        assertThat(await(authenticator.authenticate(request("alice", "secret")))).isEqualTo(AuthenticationResult.accept("alice"));

        PasswdTool.setPassword(file, "alice", "fixed".toCharArray(), true);
        assertThat(authenticator.checkForChanges()).isEqualTo(ReloadingFile.Outcome.RELOADED);
        assertThat(await(authenticator.authenticate(request("alice", "fixed")))).isEqualTo(AuthenticationResult.accept("alice"));
        assertThat(authenticator.checkForChanges()).isIn(ReloadingFile.Outcome.UNCHANGED);
    }

    @Test
    void missingOrEmptyFileIsAnErrorAtStart() throws IOException {
        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> PasswordFileAuthenticator.start(missing, noReload()))
                .isInstanceOf(SecurityFileException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("missing");

        Path empty = Files.writeString(dir.resolve("empty"), "");
        assertThatThrownBy(() -> PasswordFileAuthenticator.start(empty, noReload()))
                .isInstanceOf(SecurityFileException.class)
                .hasMessageContaining("has no usable entry");
    }

    @Test
    void closedAuthenticatorRefusesWithServerBusy() throws Exception {
        PasswordFileAuthenticator authenticator = PasswordFileAuthenticator.start(passwordFile("alice", "s"), noReload());
        authenticator.close();

        AuthenticationResult result = await(authenticator.authenticate(request("alice", "s")));

        assertThat(result).isInstanceOf(AuthenticationResult.Refused.class);
        assertThat(((AuthenticationResult.Refused) result).reasonCode()).isEqualTo(ReasonCode.SERVER_BUSY);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
