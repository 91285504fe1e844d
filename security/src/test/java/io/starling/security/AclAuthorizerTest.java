package io.starling.security;

import io.starling.broker.spi.ClientInfo;
import io.starling.codec.MqttVersion;
import io.starling.codec.QoS;
import io.starling.security.AclAuthorizer.SubscribePolicy;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AclAuthorizerTest {
    private static final String ACL = """
            topic read public/#
            topic deny public/secret
            user admin
            topic readwrite #
            topic readwrite $SYS/#
            user alice
            topic write alice/out
            topic read shared/+/temp
            topic deny shared/x/temp
            topic read shared/#
            user carol
            topic deny devices/carol-dev/data
            user plus+user
            topic read own/topic
            pattern readwrite devices/%c/data
            pattern read users/%u/#
            pattern write pre_%c/x
            pattern deny devices/blocked/data
            """;

    @TempDir
    Path dir;

    private static AclAuthorizer authorizer(String acl, SubscribePolicy policy) {
        return AclAuthorizer.of(AclFile.parse(Path.of("acl"), acl.getBytes(StandardCharsets.UTF_8)), policy);
    }

    private static ClientInfo client(String user, String clientId) {
        return new ClientInfo(clientId, user, MqttVersion.MQTT_5, null, "default");
    }

    private static boolean write(AclAuthorizer acl, String user, String clientId, String topic) {
        return acl.mayPublish(client(user, clientId), topic, QoS.AT_LEAST_ONCE, false);
    }

    private static boolean read(AclAuthorizer acl, String user, String clientId, String topic) {
        return acl.mayReceive(client(user, clientId), topic, QoS.AT_LEAST_ONCE, false);
    }

    private static boolean subscribe(AclAuthorizer acl, String user, String clientId, String filter) {
        return acl.maySubscribe(client(user, clientId), filter, QoS.AT_LEAST_ONCE);
    }

    @Test
    void userSectionGrantsOnlyTheAccessItNames() {
        AclAuthorizer acl = authorizer(ACL, SubscribePolicy.WHOLE_FILTER);

        assertThat(write(acl, "alice", "a1", "alice/out")).isTrue();
        assertThat(read(acl, "alice", "a1", "alice/out")).isFalse();
        assertThat(read(acl, "alice", "a1", "shared/y/temp")).isTrue();
        assertThat(write(acl, "alice", "a1", "shared/y/temp")).isFalse();
    }

    @Test
    void denyWinsWhereverItStandsInTheSection() {
        AclAuthorizer acl = authorizer(ACL, SubscribePolicy.WHOLE_FILTER);

        assertThat(read(acl, "alice", "a1", "shared/x/temp")).isFalse(); // granted by rules before and after it
        assertThat(read(acl, "alice", "a1", "shared/x/other")).isTrue();
        assertThat(write(acl, "carol", "carol-dev", "devices/carol-dev/data")).isFalse(); // user deny before patterns
        assertThat(write(acl, "alice", "blocked", "devices/blocked/data")).isFalse(); // deny pattern first
    }

    @Test
    void rulesBeforeTheFirstUserApplyToAnonymousClientsOnly() {
        AclAuthorizer acl = authorizer(ACL, SubscribePolicy.WHOLE_FILTER);

        assertThat(read(acl, null, "anon", "public/news")).isTrue();
        assertThat(read(acl, null, "anon", "public/secret")).isFalse();
        assertThat(read(acl, "alice", "a1", "public/news")).isFalse();
        assertThat(read(acl, "dave", "d1", "public/news")).isFalse(); // no section, patterns only
    }

    @Test
    void patternsSubstituteClientIdAndUserNameForEveryone() {
        AclAuthorizer acl = authorizer(ACL, SubscribePolicy.WHOLE_FILTER);

        assertThat(write(acl, "alice", "dev1", "devices/dev1/data")).isTrue();
        assertThat(write(acl, "alice", "dev1", "devices/dev2/data")).isFalse();
        assertThat(write(acl, null, "anon-dev", "devices/anon-dev/data")).isTrue(); // anonymous too
        assertThat(read(acl, "alice", "a1", "users/alice/inbox")).isTrue();
        assertThat(read(acl, "alice", "a1", "users/alice")).isTrue(); // '#' also matches the parent level
        assertThat(read(acl, "alice", "a1", "users/bob/inbox")).isFalse();
        assertThat(read(acl, null, "alice", "users/alice/inbox")).isFalse(); // %u patterns skip anonymous clients
        assertThat(write(acl, "alice", "dev1", "pre_dev1/x")).isTrue(); // %c inside a level, as Mosquitto 2.0
    }

    @Test
    void idsWithWildcardsLosePatternsButKeepTheirSection() {
        AclAuthorizer acl = authorizer(ACL, SubscribePolicy.WHOLE_FILTER);

        assertThat(write(acl, "alice", "p+q", "devices/p+q/data")).isFalse();
        assertThat(read(acl, "alice", "p#q", "users/alice/x")).isFalse();
        assertThat(write(acl, "alice", "p+q", "alice/out")).isTrue(); // section rules come before the check
        assertThat(read(acl, "plus+user", "c1", "own/topic")).isTrue();
        assertThat(write(acl, "plus+user", "c1", "devices/c1/data")).isFalse();
        // '/' is not refused (Mosquitto 2.0): the id just spans several levels
        assertThat(write(acl, "alice", "x/y", "devices/x/y/data")).isTrue();
        assertThat(write(acl, "bob/x", "b1", "devices/b1/data")).isTrue();
    }

    @Test
    void dollarTopicsFollowMosquittoRules_MQTT_4_7_2_1() {
        AclAuthorizer acl = authorizer(ACL, SubscribePolicy.WHOLE_FILTER);

        assertThat(read(acl, "admin", "adm", "$SYS/broker/uptime")).isTrue(); // "$SYS/#" rule
        assertThat(write(acl, "admin", "adm", "$SYS/broker/uptime")).isFalse(); // $SYS is never writable...
        assertThat(write(acl, "admin", "adm", "$SYS/broker/connection/b1/state")).isTrue(); // ...but bridge state
        assertThat(write(acl, "admin", "adm", "$share/g/topic")).isFalse();
        assertThat(read(acl, "admin", "adm", "$other/x")).isFalse(); // "#" does not reach '$' topics
        assertThat(write(acl, "admin", "adm", "any/thing")).isTrue();
    }

    @Test
    void emptyAclDeniesEverything() {
        AclAuthorizer acl = authorizer("", SubscribePolicy.WHOLE_FILTER);

        assertThat(write(acl, null, "c", "a")).isFalse();
        assertThat(read(acl, "alice", "c", "a")).isFalse();
        assertThat(subscribe(acl, "alice", "c", "#")).isFalse();
    }

    @Test
    void wholeFilterPolicyGrantsOnlyFiltersWhoseEveryTopicIsReadable() {
        AclAuthorizer acl = authorizer(ACL, SubscribePolicy.WHOLE_FILTER);

        assertThat(subscribe(acl, "alice", "a1", "shared/+/temp")).isFalse(); // reaches the denied shared/x/temp
        assertThat(subscribe(acl, "alice", "a1", "shared/y/#")).isTrue();
        assertThat(subscribe(acl, "alice", "a1", "shared/y/temp")).isTrue();
        assertThat(subscribe(acl, "alice", "a1", "shared/x/temp")).isFalse();
        assertThat(subscribe(acl, "alice", "a1", "alice/out")).isFalse(); // write only
        assertThat(subscribe(acl, "alice", "a1", "users/alice/#")).isTrue();
        assertThat(subscribe(acl, "alice", "a1", "users/+/#")).isFalse();
        assertThat(subscribe(acl, "alice", "p+q", "users/alice/#")).isFalse();
        assertThat(subscribe(acl, null, "anon", "public/+")).isFalse(); // reaches public/secret
        assertThat(subscribe(acl, null, "anon", "public/news/#")).isTrue();
        assertThat(subscribe(acl, "admin", "adm", "#")).isTrue();
        assertThat(subscribe(acl, "admin", "adm", "$SYS/#")).isTrue();
        assertThat(subscribe(acl, "carol", "carol-dev", "devices/carol-dev/data")).isFalse();
        assertThat(subscribe(acl, "alice", "blocked", "devices/+/data")).isFalse();
    }

    @Test
    void sharedSubscriptionsAreJudgedOnTheirFilter_MQTT_4_8_2() {
        AclAuthorizer acl = authorizer(ACL, SubscribePolicy.WHOLE_FILTER);

        assertThat(subscribe(acl, "alice", "a1", "$share/workers/shared/y/#")).isTrue();
        assertThat(subscribe(acl, "alice", "a1", "$share/workers/shared/+/temp")).isFalse();
    }

    @Test
    void likeMosquittoPolicyGrantsEverySubscriptionAndLeavesReadingToDelivery() {
        AclAuthorizer acl = authorizer(ACL, SubscribePolicy.LIKE_MOSQUITTO);

        assertThat(subscribe(acl, "alice", "a1", "#")).isTrue();
        assertThat(subscribe(acl, "nobody", "n1", "secret/#")).isTrue();
        assertThat(read(acl, "nobody", "n1", "secret/x")).isFalse();
    }

    @Test
    void editedAclIsReloadedAndAppliesToConnectedClients() throws IOException {
        Path file = Files.writeString(dir.resolve("acl"), "user alice\ntopic read a\n");
        try (AclAuthorizer acl = AclAuthorizer.start(file,
                AclAuthorizer.Options.defaults().withReloadInterval(Duration.ofMillis(50)))) {
            ClientInfo alice = client("alice", "a1");
            assertThat(acl.mayReceive(alice, "a", QoS.AT_MOST_ONCE, false)).isTrue();
            assertThat(acl.mayPublish(alice, "b", QoS.AT_MOST_ONCE, false)).isFalse();

            Files.writeString(file, "user alice\ntopic write b\n");

            Awaitility.await("new ACL in use").atMost(Duration.ofSeconds(10))
                    .until(() -> acl.mayPublish(alice, "b", QoS.AT_MOST_ONCE, false));
            assertThat(acl.mayReceive(alice, "a", QoS.AT_MOST_ONCE, false)).isFalse();
        }
    }

    @Test
    void invalidEditKeepsThePreviousAcl() throws IOException {
        Path file = Files.writeString(dir.resolve("acl"), "user alice\ntopic read a\n");
        try (AclAuthorizer acl = AclAuthorizer.start(file,
                AclAuthorizer.Options.defaults().withReloadInterval(Duration.ZERO))) {
            Files.writeString(file, "user alice\ntopic read a\ntopic raed b\n");

            assertThat(acl.checkForChanges()).isEqualTo(ReloadingFile.Outcome.FAILED);
            assertThat(acl.mayReceive(client("alice", "a1"), "a", QoS.AT_MOST_ONCE, false)).isTrue();
            assertThat(acl.aclFile().userRules().get("alice")).hasSize(1);

            Files.delete(file);
            assertThat(acl.checkForChanges()).isEqualTo(ReloadingFile.Outcome.FAILED);
            assertThat(acl.mayReceive(client("alice", "a1"), "a", QoS.AT_MOST_ONCE, false)).isTrue();
        }
    }

    @Test
    void invalidOrMissingAclIsAnErrorAtStart() throws IOException {
        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> AclAuthorizer.start(missing)).isInstanceOf(SecurityFileException.class)
                .hasMessageContaining(missing.toString());

        Path bad = Files.writeString(dir.resolve("bad"), "topic read ok\ntopci read x\n");
        assertThatThrownBy(() -> AclAuthorizer.start(bad)).isInstanceOf(SecurityFileException.class)
                .hasMessageContaining(bad + ":2: unknown keyword 'topci'");
    }
}
