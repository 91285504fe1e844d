package io.starling.security.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.starling.broker.spi.AuthenticationRequest;
import io.starling.broker.spi.AuthenticationResult;
import io.starling.codec.MqttVersion;
import io.starling.codec.ReasonCode;
import io.starling.security.ClaimsAuthorizer;
import io.starling.security.TestHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookAuthenticatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private TestHttpServer server;
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.close();
        }
    }

    private static AuthenticationRequest request(String user, byte[] password, int port) {
        return new AuthenticationRequest("sensor-1", user, password, MqttVersion.MQTT_5,
                new InetSocketAddress("127.0.0.1", port), "default");
    }

    static AuthenticationResult authenticate(WebhookAuthenticator hook, AuthenticationRequest request)
            throws Exception {
        return hook.authenticate(request).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static void assertRefused(AuthenticationResult result, ReasonCode code) {
        assertThat(result).isInstanceOfSatisfying(AuthenticationResult.Refused.class,
                refused -> assertThat(refused.reasonCode()).isEqualTo(code));
    }

    @Test
    void allowAnswerLetsTheClientInAndTheRequestCarriesWhatTheClientPresented() throws Exception {
        server = TestHttpServer.start("/auth", TestHttpServer.always(200, "{\"result\":\"allow\"}"));
        WebhookAuthenticator hook = new WebhookAuthenticator(WebhookAuthenticator.Options.of(server.uri()));
        byte[] binaryPassword = {0, (byte) 0xFF, 's', 'e', 'c'};

        AuthenticationResult result = authenticate(hook, request("alice", binaryPassword, 50_000));

        assertThat(result).isEqualTo(AuthenticationResult.accept("alice", null, java.util.Map.of()));
        JsonNode sent = JSON.readTree(server.bodies().get(0));
        assertThat(sent.get("clientId").textValue()).isEqualTo("sensor-1");
        assertThat(sent.get("username").textValue()).isEqualTo("alice");
        assertThat(Base64.getDecoder().decode(sent.get("password").textValue())).isEqualTo(binaryPassword);
        assertThat(sent.get("remoteAddress").textValue()).isEqualTo("127.0.0.1");
        assertThat(sent.get("listener").textValue()).isEqualTo("default");
        assertThat(sent.get("protocolVersion").textValue()).isEqualTo("5.0");
        assertThat(sent.get("certificateIdentity").isNull()).isTrue();
    }

    @Test
    void allowAnswerMayMapTheUserNameAndCarryTopicRights() throws Exception {
        server = TestHttpServer.start("/auth", TestHttpServer.always(200, "{\"result\":\"allow\","
                + "\"username\":\"alice@corp\",\"publish\":[\"up/alice/#\",\"bad/#/x\"],\"subscribe\":[]}"));
        WebhookAuthenticator hook = new WebhookAuthenticator(WebhookAuthenticator.Options.of(server.uri()));

        AuthenticationResult result = authenticate(hook, request("alice", "pw".getBytes(StandardCharsets.UTF_8), 1));

        assertThat(result).isInstanceOfSatisfying(AuthenticationResult.Accepted.class, accepted -> {
            assertThat(accepted.username()).isEqualTo("alice@corp");
            assertThat(accepted.attributes()).containsEntry(ClaimsAuthorizer.PUBLISH, List.of("up/alice/#"))
                    .containsEntry(ClaimsAuthorizer.SUBSCRIBE, List.of());
        });
    }

    @Test
    void denyAnswerA4xxOrGarbageRefusesAsBadCredentials() throws Exception {
        server = TestHttpServer.start("/auth", TestHttpServer.always(200, "{\"result\":\"deny\"}"));
        WebhookAuthenticator hook = new WebhookAuthenticator(WebhookAuthenticator.Options.of(server.uri())
                .withCache(Duration.ZERO, 0));
        byte[] password = "pw".getBytes(StandardCharsets.UTF_8);

        assertRefused(authenticate(hook, request("alice", password, 1)), ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        server.answer(TestHttpServer.always(403, "{\"result\":\"allow\"}"));
        assertRefused(authenticate(hook, request("alice", password, 1)), ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        server.answer(TestHttpServer.always(200, "allow"));
        assertRefused(authenticate(hook, request("alice", password, 1)), ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        server.answer(TestHttpServer.always(200, "{\"result\":\"ALLOW\"}"));
        assertRefused(authenticate(hook, request("alice", password, 1)), ReasonCode.BAD_USER_NAME_OR_PASSWORD);
    }

    @Test
    void serverErrorRefusesAsUnavailable() throws Exception {
        server = TestHttpServer.start("/auth", TestHttpServer.always(500, "{\"result\":\"allow\"}"));
        WebhookAuthenticator hook = new WebhookAuthenticator(WebhookAuthenticator.Options.of(server.uri()));

        assertRefused(authenticate(hook, request("alice", null, 1)), ReasonCode.SERVER_UNAVAILABLE);
    }

    @Test
    void noAnswerWithinTheTimeoutRefusesAsUnavailable() throws Exception {
        server = TestHttpServer.start("/auth", body -> {
            release.await(30, TimeUnit.SECONDS); // holds the answer until the test ends
            return new TestHttpServer.Answer(200, "{\"result\":\"allow\"}");
        });
        WebhookAuthenticator hook = new WebhookAuthenticator(WebhookAuthenticator.Options.of(server.uri())
                .withTimeout(Duration.ofMillis(300)));

        long start = System.nanoTime();
        AuthenticationResult result = authenticate(hook, request("alice", null, 1));

        assertRefused(result, ReasonCode.SERVER_UNAVAILABLE);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void unreachableServiceRefusesAsUnavailable() throws Exception {
        server = TestHttpServer.start("/auth", TestHttpServer.always(200, "{\"result\":\"allow\"}"));
        java.net.URI gone = server.uri();
        server.close();
        server = null;

        assertRefused(authenticate(new WebhookAuthenticator(WebhookAuthenticator.Options.of(gone)),
                request("alice", null, 1)), ReasonCode.SERVER_UNAVAILABLE);
    }

    @Test
    void decidedAnswersAreCachedPerCredentialsAndAddressButNotPort() throws Exception {
        server = TestHttpServer.start("/auth", body -> new TestHttpServer.Answer(200,
                body.contains("\"username\":\"alice\"") ? "{\"result\":\"allow\"}" : "{\"result\":\"deny\"}"));
        WebhookAuthenticator hook = new WebhookAuthenticator(WebhookAuthenticator.Options.of(server.uri())
                .withCache(Duration.ofMinutes(1), 100));
        byte[] password = "pw".getBytes(StandardCharsets.UTF_8);

        AuthenticationResult first = authenticate(hook, request("alice", password, 40_001));
        AuthenticationResult again = authenticate(hook, request("alice", password, 40_002));
        assertThat(again).isEqualTo(first).isInstanceOf(AuthenticationResult.Accepted.class);
        assertThat(server.requests()).as("second CONNECT answered from the cache").isEqualTo(1);

        assertRefused(authenticate(hook, request("bob", password, 1)), ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertRefused(authenticate(hook, request("bob", password, 1)), ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(server.requests()).as("a deny is cached too").isEqualTo(2);

        authenticate(hook, request("alice", "other".getBytes(StandardCharsets.UTF_8), 1));
        assertThat(server.requests()).as("another password is another question").isEqualTo(3);
    }

    @Test
    void failuresAreNotCached() throws Exception {
        server = TestHttpServer.start("/auth", TestHttpServer.always(503, "{}"));
        WebhookAuthenticator hook = new WebhookAuthenticator(WebhookAuthenticator.Options.of(server.uri()));

        assertRefused(authenticate(hook, request("alice", null, 1)), ReasonCode.SERVER_UNAVAILABLE);
        server.answer(TestHttpServer.always(200, "{\"result\":\"allow\"}"));

        assertThat(authenticate(hook, request("alice", null, 1))).isInstanceOf(AuthenticationResult.Accepted.class);
        assertThat(server.requests()).isEqualTo(2);
    }
}
