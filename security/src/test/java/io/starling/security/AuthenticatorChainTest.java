package io.starling.security;

import io.starling.broker.spi.AuthenticationRequest;
import io.starling.broker.spi.AuthenticationResult;
import io.starling.broker.spi.Authenticator;
import io.starling.codec.MqttVersion;
import io.starling.codec.ReasonCode;
import io.starling.security.AuthenticatorChain.OnRefusal;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static org.assertj.core.api.Assertions.assertThat;

class AuthenticatorChainTest {

    private static AuthenticationRequest request(String user, String password) {
        return new AuthenticationRequest("c1", user, password == null ? null : password.getBytes(StandardCharsets.UTF_8),
                MqttVersion.MQTT_5, null, "default");
    }

    private static AuthenticationResult now(CompletionStage<AuthenticationResult> stage) {
        CompletableFuture<AuthenticationResult> future = stage.toCompletableFuture();
        assertThat(future).isDone();
        return future.join();
    }

    /** Records who was asked, and answers with a fixed result. */
    private static final class Member implements Authenticator {
        private final String name;
        private final AuthenticationResult answer;
        private final List<String> asked;

        Member(String name, AuthenticationResult answer, List<String> asked) {
            this.name = name;
            this.answer = answer;
            this.asked = asked;
        }

        @Override
        public CompletionStage<AuthenticationResult> authenticate(AuthenticationRequest request) {
            asked.add(name);
            return CompletableFuture.completedFuture(answer);
        }
    }

    private static final AuthenticationResult BAD = AuthenticationResult.refuse(ReasonCode.BAD_USER_NAME_OR_PASSWORD, "bad");
    private static final AuthenticationResult BANNED = AuthenticationResult.refuse(ReasonCode.BANNED, "banned");

    @Test
    void anonymousIsRefusedUnlessExplicitlyAllowed() {
        List<String> asked = new ArrayList<>();
        Member accepting = new Member("a", AuthenticationResult.accept("x"), asked);

        AuthenticationResult byDefault = now(AuthenticatorChain.builder().add(accepting).build()
                .authenticate(request(null, null)));
        AuthenticationResult allowed = now(AuthenticatorChain.builder().add(accepting).allowAnonymous(true).build()
                .authenticate(request(null, null)));

        assertThat(byDefault).isInstanceOf(AuthenticationResult.Refused.class);
        assertThat(((AuthenticationResult.Refused) byDefault).reasonCode()).isEqualTo(ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(allowed).isEqualTo(AuthenticationResult.accept(null));
        assertThat(asked).as("members are not asked about anonymous clients").isEmpty();
    }

    @Test
    void allowingAnonymousDoesNotLetWrongCredentialsIn() {
        List<String> asked = new ArrayList<>();
        AuthenticatorChain chain = AuthenticatorChain.builder().add(new Member("a", BAD, asked))
                .allowAnonymous(true).build();

        assertThat(now(chain.authenticate(request("alice", "wrong")))).isEqualTo(BAD);
        assertThat(asked).containsExactly("a");
    }

    @Test
    void firstAcceptanceWins() {
        List<String> asked = new ArrayList<>();
        AuthenticatorChain chain = AuthenticatorChain.builder()
                .add(new Member("a", BAD, asked), OnRefusal.TRY_NEXT)
                .add(new Member("b", AuthenticationResult.accept("mapped-b"), asked))
                .add(new Member("c", AuthenticationResult.accept("mapped-c"), asked))
                .build();

        assertThat(now(chain.authenticate(request("alice", "pw")))).isEqualTo(AuthenticationResult.accept("mapped-b"));
        assertThat(asked).containsExactly("a", "b");
    }

    @Test
    void refusalStopsTheChainByDefault() {
        List<String> asked = new ArrayList<>();
        AuthenticatorChain chain = AuthenticatorChain.builder()
                .add(new Member("a", BANNED, asked))
                .add(new Member("b", AuthenticationResult.accept("b"), asked))
                .build();

        assertThat(now(chain.authenticate(request("alice", "pw")))).isEqualTo(BANNED);
        assertThat(asked).containsExactly("a");
    }

    @Test
    void whenEveryMemberRefusesTheLastRefusalIsTheAnswer() {
        List<String> asked = new ArrayList<>();
        AuthenticatorChain chain = AuthenticatorChain.builder()
                .add(new Member("a", BAD, asked), OnRefusal.TRY_NEXT)
                .add(new Member("b", BANNED, asked), OnRefusal.TRY_NEXT)
                .build();

        assertThat(now(chain.authenticate(request("alice", "pw")))).isEqualTo(BANNED);
        assertThat(asked).containsExactly("a", "b");
    }

    @Test
    void failingMemberCountsAsRefusalAndFollowsItsPolicy() {
        List<String> asked = new ArrayList<>();
        Authenticator throwing = request -> {
            asked.add("throws");
            throw new IllegalStateException("back-end down");
        };
        Authenticator failing = request -> {
            asked.add("fails");
            return CompletableFuture.failedFuture(new IllegalStateException("timeout"));
        };
        AuthenticatorChain chain = AuthenticatorChain.builder()
                .add(throwing, OnRefusal.TRY_NEXT)
                .add(failing, OnRefusal.STOP)
                .add(new Member("never", AuthenticationResult.accept("x"), asked))
                .build();

        AuthenticationResult result = now(chain.authenticate(request("alice", "pw")));

        assertThat(result).isInstanceOf(AuthenticationResult.Refused.class);
        assertThat(((AuthenticationResult.Refused) result).reasonCode()).isEqualTo(ReasonCode.UNSPECIFIED_ERROR);
        assertThat(asked).containsExactly("throws", "fails");
    }

    @Test
    void membersAreAskedOneAfterAnotherNeverTogether() {
        List<String> asked = new ArrayList<>();
        CompletableFuture<AuthenticationResult> firstAnswer = new CompletableFuture<>();
        Authenticator slow = request -> {
            asked.add("slow");
            return firstAnswer;
        };
        AuthenticatorChain chain = AuthenticatorChain.builder()
                .add(slow, OnRefusal.TRY_NEXT)
                .add(new Member("second", AuthenticationResult.accept("alice"), asked))
                .build();

        CompletableFuture<AuthenticationResult> result = chain.authenticate(request("alice", "pw")).toCompletableFuture();

        assertThat(result).isNotDone();
        assertThat(asked).containsExactly("slow");
        firstAnswer.complete(BAD);
        assertThat(result).isCompletedWithValue(AuthenticationResult.accept("alice"));
        assertThat(asked).containsExactly("slow", "second");
    }

    @Test
    void chainWithoutMembersRefusesClientsWithCredentials() {
        AuthenticatorChain chain = AuthenticatorChain.builder().allowAnonymous(true).build();

        assertThat(now(chain.authenticate(request(null, null)))).isEqualTo(AuthenticationResult.accept(null));
        assertThat(now(chain.authenticate(request("alice", "pw")))).isInstanceOf(AuthenticationResult.Refused.class);
    }

    @Test
    void certificateIdentityWithoutPasswordIsAcceptedWithoutAskingMembers() {
        List<String> asked = new ArrayList<>();
        AuthenticatorChain chain = AuthenticatorChain.builder().add(new Member("a", BAD, asked)).build();
        AuthenticationRequest fromCertificate = new AuthenticationRequest("c1", "device-7", null, MqttVersion.MQTT_5,
                null, "tls", "device-7");

        assertThat(now(chain.authenticate(fromCertificate))).isEqualTo(AuthenticationResult.accept("device-7"));
        assertThat(asked).isEmpty();
    }

    @Test
    void certificateIdentityWithAPasswordIsStillCheckedByTheMembers() {
        List<String> asked = new ArrayList<>();
        AuthenticatorChain chain = AuthenticatorChain.builder().add(new Member("a", BAD, asked)).build();
        AuthenticationRequest both = new AuthenticationRequest("c1", "device-7",
                "pw".getBytes(StandardCharsets.UTF_8), MqttVersion.MQTT_5, null, "tls", "device-7");

        assertThat(now(chain.authenticate(both))).isEqualTo(BAD);
        assertThat(asked).containsExactly("a");
    }

    @Test
    void whenTheChainRunsOutABackEndThatCouldNotDecideWinsOverAWrongPassword() {
        List<String> asked = new ArrayList<>();
        AuthenticationResult down = AuthenticationResult.refuse(ReasonCode.SERVER_UNAVAILABLE, "directory down");
        AuthenticatorChain chain = AuthenticatorChain.builder()
                .add(new Member("passwords", BAD, asked), OnRefusal.TRY_NEXT)
                .add(new Member("ldap", down, asked), OnRefusal.TRY_NEXT)
                .add(new Member("webhook", BAD, asked), OnRefusal.TRY_NEXT)
                .build();

        assertThat(now(chain.authenticate(request("alice", "pw")))).isEqualTo(down);
        assertThat(asked).containsExactly("passwords", "ldap", "webhook");
    }

    @Test
    void aStoppingMembersRefusalIsTheAnswerEvenAfterABackEndThatCouldNotDecide() {
        List<String> asked = new ArrayList<>();
        AuthenticationResult busy = AuthenticationResult.refuse(ReasonCode.SERVER_BUSY, "busy");
        AuthenticatorChain chain = AuthenticatorChain.builder()
                .add(new Member("a", busy, asked), OnRefusal.TRY_NEXT)
                .add(new Member("b", BANNED, asked), OnRefusal.STOP)
                .build();

        assertThat(now(chain.authenticate(request("alice", "pw")))).isEqualTo(BANNED);
    }

    @Test
    void acceptanceKeepsTheMembersExpiryAndAttributes() {
        AuthenticationResult rich = AuthenticationResult.accept("alice", java.time.Instant.ofEpochSecond(2_000_000_000L),
                java.util.Map.of("jwt.sub", List.of("alice")));
        AuthenticatorChain chain = AuthenticatorChain.builder()
                .add(new Member("a", BAD, new ArrayList<>()), OnRefusal.TRY_NEXT)
                .add(new Member("b", rich, new ArrayList<>()))
                .build();

        assertThat(now(chain.authenticate(request("alice", "pw")))).isEqualTo(rich);
    }

    @Test
    void passwordWithoutUserNameIsNotAnonymous() {
        List<String> asked = new ArrayList<>();
        AuthenticatorChain chain = AuthenticatorChain.builder().add(new Member("token", AuthenticationResult.accept("t"),
                asked)).build();

        assertThat(now(chain.authenticate(request(null, "a-token")))).isEqualTo(AuthenticationResult.accept("t"));
        assertThat(asked).containsExactly("token");
    }
}
