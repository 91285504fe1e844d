package io.starling.security.jwt;

import com.nimbusds.jose.jwk.JWKSet;
import io.starling.broker.spi.AuthenticationResult;
import io.starling.codec.ReasonCode;
import io.starling.security.TestHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Keys from a JWKS URL, served by an in-process HTTP server on 127.0.0.1. */
class JwksUrlTest {
    private static TestKeys keys;
    private static TestKeys rotated;
    private TestHttpServer server;
    private JwtAuthenticator authenticator;

    @BeforeAll
    static void makeKeys() {
        keys = TestKeys.generate();
        rotated = TestKeys.generate();
    }

    @AfterEach
    void stop() {
        if (authenticator != null) {
            authenticator.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static String tokenFor(TestKeys signer, String kid) {
        return signer.rs256(kid, TestKeys.claims("alice", Instant.now().plusSeconds(600)).build());
    }

    @Test
    void keysAreFetchedOnceAndCachedBetweenConnects() throws Exception {
        server = TestHttpServer.start("/jwks", TestHttpServer.always(200, keys.publicJwks("k1", "e1").toString()));
        authenticator = JwtAuthenticator.start(JwtAuthenticator.Options.withJwksUrl(server.uri()));

        for (int i = 0; i < 5; i++) {
            assertThat(JwtAuthenticatorTest.authenticate(authenticator, tokenFor(keys, "k1")))
                    .isInstanceOf(AuthenticationResult.Accepted.class);
        }
        assertThat(server.requests()).isEqualTo(1);
    }

    @Test
    void aTokenNamingANewKeyFetchesTheSetAgain() throws Exception {
        server = TestHttpServer.start("/jwks", TestHttpServer.always(200, keys.publicJwks("k1", "e1").toString()));
        // A refresh interval of 1 ms lets the unknown key fetch the set at once (the gap is the interval when shorter
        // than 30 s).
        authenticator = JwtAuthenticator.start(JwtAuthenticator.Options.withJwksUrl(server.uri())
                .withJwksFetching(Duration.ofMillis(1), Duration.ofSeconds(5)));
        assertThat(JwtAuthenticatorTest.authenticate(authenticator, tokenFor(keys, "k1")))
                .isInstanceOf(AuthenticationResult.Accepted.class);

        server.answer(TestHttpServer.always(200, new JWKSet(java.util.List.of(
                keys.publicJwks("k1", "e1").getKeyByKeyId("k1"),
                rotated.publicJwks("k2", "e2").getKeyByKeyId("k2"))).toString()));

        await().atMost(Duration.ofSeconds(10)).until(() -> JwtAuthenticatorTest.authenticate(authenticator,
                tokenFor(rotated, "k2")) instanceof AuthenticationResult.Accepted);
        assertThat(server.requests()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void unreachableKeyServerRefusesWithServerUnavailable() throws Exception {
        server = TestHttpServer.start("/jwks", TestHttpServer.always(200, "{}"));
        URI gone = server.uri();
        server.close();
        server = null;
        authenticator = JwtAuthenticator.start(JwtAuthenticator.Options.withJwksUrl(gone)
                .withJwksFetching(Duration.ofMinutes(5), Duration.ofSeconds(2)));

        AuthenticationResult result = JwtAuthenticatorTest.authenticate(authenticator, tokenFor(keys, "k1"));

        assertThat(result).isInstanceOfSatisfying(AuthenticationResult.Refused.class,
                refused -> assertThat(refused.reasonCode()).isEqualTo(ReasonCode.SERVER_UNAVAILABLE));
    }

    @Test
    void cachedSetIsServedWhileARefreshRunsAndKeptWhenTheRefreshFails() throws Exception {
        server = TestHttpServer.start("/jwks", TestHttpServer.always(200, keys.publicJwks("k1", "e1").toString()));
        AtomicLong now = new AtomicLong();
        RemoteJwkSet remote = new RemoteJwkSet(server.uri(), HttpClient.newHttpClient(), Duration.ofSeconds(5),
                Duration.ofMinutes(5), Duration.ofSeconds(30), now::get);

        JWKSet first = remote.keys().get(10, TimeUnit.SECONDS);
        assertThat(first.getKeyByKeyId("k1")).isNotNull();
        assertThat(remote.keys().get(10, TimeUnit.SECONDS)).isSameAs(first);
        assertThat(server.requests()).isEqualTo(1);

        // Within the gap, an unknown key does not reach the server.
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        assertThat(remote.refreshForUnknownKey().get(10, TimeUnit.SECONDS)).isSameAs(first);
        assertThat(server.requests()).isEqualTo(1);

        // Stale: the old set is still served at once, a refresh starts; it fails, and the old set stays.
        server.answer(TestHttpServer.always(503, "{}"));
        now.addAndGet(Duration.ofMinutes(6).toNanos());
        assertThat(remote.keys().get(10, TimeUnit.SECONDS)).isSameAs(first);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.requests() == 2);
        now.addAndGet(Duration.ofSeconds(31).toNanos());
        assertThat(remote.refreshForUnknownKey().get(10, TimeUnit.SECONDS)).isSameAs(first);
        assertThat(server.requests()).isEqualTo(3);

        // Once the server answers again, the next allowed fetch brings the new set.
        server.answer(TestHttpServer.always(200, rotated.publicJwks("k2", "e2").toString()));
        now.addAndGet(Duration.ofSeconds(31).toNanos());
        assertThat(remote.refreshForUnknownKey().get(10, TimeUnit.SECONDS).getKeyByKeyId("k2")).isNotNull();
    }

    @Test
    void garbageFromTheKeyServerIsNotAKeySet() throws Exception {
        server = TestHttpServer.start("/jwks", TestHttpServer.always(200, "<html>not json</html>"));
        RemoteJwkSet remote = new RemoteJwkSet(server.uri(), HttpClient.newHttpClient(), Duration.ofSeconds(5),
                Duration.ofMinutes(5), Duration.ofSeconds(30), System::nanoTime);

        assertThat(remote.keys()).failsWithin(Duration.ofSeconds(10));
    }
}
