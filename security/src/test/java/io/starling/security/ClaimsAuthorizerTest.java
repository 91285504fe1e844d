package io.starling.security;

import io.starling.broker.spi.Authorizer;
import io.starling.broker.spi.ClientInfo;
import io.starling.codec.MqttVersion;
import io.starling.codec.QoS;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ClaimsAuthorizerTest {
    /** Everything the claims do not govern is refused here, so that a delegation shows. */
    private static final Authorizer DENY_ALL = new Authorizer() {
        @Override
        public boolean mayPublish(ClientInfo client, String topicName, QoS qos, boolean retain) {
            return false;
        }

        @Override
        public boolean maySubscribe(ClientInfo client, String topicFilter, QoS qos) {
            return false;
        }
    };

    private final ClaimsAuthorizer authorizer = new ClaimsAuthorizer(DENY_ALL);

    private static ClientInfo client(Map<String, List<String>> attributes) {
        return new ClientInfo("c1", "alice", MqttVersion.MQTT_5, null, "default", attributes);
    }

    private static final ClientInfo DEVICE = client(Map.of(
            ClaimsAuthorizer.PUBLISH, List.of("sensors/alice/#", "status/+"),
            ClaimsAuthorizer.SUBSCRIBE, List.of("commands/alice/#", "broadcast")));

    @Test
    void publishIsAllowedOnTopicsMatchedByAPublishFilter_MQTT_4_7_1() {
        assertThat(authorizer.mayPublish(DEVICE, "sensors/alice/temp", QoS.AT_MOST_ONCE, false)).isTrue();
        assertThat(authorizer.mayPublish(DEVICE, "sensors/alice", QoS.AT_MOST_ONCE, false)).as("# matches the parent")
                .isTrue();
        assertThat(authorizer.mayPublish(DEVICE, "status/x", QoS.AT_MOST_ONCE, false)).isTrue();
        assertThat(authorizer.mayPublish(DEVICE, "sensors/bob/temp", QoS.AT_MOST_ONCE, false)).isFalse();
        assertThat(authorizer.mayPublish(DEVICE, "status/x/y", QoS.AT_MOST_ONCE, false)).isFalse();
        assertThat(authorizer.mayPublish(DEVICE, "commands/alice/go", QoS.AT_MOST_ONCE, false))
                .as("a subscribe right is no publish right").isFalse();
    }

    @Test
    void subscriptionIsAllowedOnlyWhenASubscribeFilterCoversIt() {
        assertThat(authorizer.maySubscribe(DEVICE, "commands/alice/#", QoS.AT_MOST_ONCE)).isTrue();
        assertThat(authorizer.maySubscribe(DEVICE, "commands/alice/+/x", QoS.AT_MOST_ONCE)).isTrue();
        assertThat(authorizer.maySubscribe(DEVICE, "broadcast", QoS.AT_MOST_ONCE)).isTrue();
        assertThat(authorizer.maySubscribe(DEVICE, "commands/#", QoS.AT_MOST_ONCE)).as("wider than granted").isFalse();
        assertThat(authorizer.maySubscribe(DEVICE, "$share/g/commands/alice/x", QoS.AT_MOST_ONCE))
                .as("judged on the inner filter").isTrue();
        assertThat(authorizer.maySubscribe(DEVICE, "$share/g/commands/#", QoS.AT_MOST_ONCE)).isFalse();
    }

    @Test
    void wildcardRightsNeverReachDollarTopics_MQTT_4_7_2_1() {
        ClientInfo everything = client(Map.of(ClaimsAuthorizer.PUBLISH, List.of("#"),
                ClaimsAuthorizer.SUBSCRIBE, List.of("#")));

        assertThat(authorizer.mayPublish(everything, "a/b", QoS.AT_MOST_ONCE, false)).isTrue();
        assertThat(authorizer.mayPublish(everything, "$SYS/x", QoS.AT_MOST_ONCE, false)).isFalse();
        assertThat(authorizer.mayPublish(everything, "$share/g/x", QoS.AT_MOST_ONCE, false)).isFalse();
        assertThat(authorizer.maySubscribe(everything, "$SYS/#", QoS.AT_MOST_ONCE)).isFalse();
    }

    @Test
    void aClientWithOnlyOneListGetsNothingOfTheOtherKind() {
        ClientInfo publisher = client(Map.of(ClaimsAuthorizer.PUBLISH, List.of("a/#")));

        assertThat(authorizer.mayPublish(publisher, "a/b", QoS.AT_MOST_ONCE, false)).isTrue();
        assertThat(authorizer.maySubscribe(publisher, "a/b", QoS.AT_MOST_ONCE)).isFalse();
    }

    @Test
    void emptyListsGrantNothingAndAreNotDelegated() {
        ClientInfo nothing = client(Map.of(ClaimsAuthorizer.PUBLISH, List.of(), ClaimsAuthorizer.SUBSCRIBE, List.of()));
        ClaimsAuthorizer overAllowAll = new ClaimsAuthorizer(Authorizer.ALLOW_ALL);

        assertThat(overAllowAll.mayPublish(nothing, "a", QoS.AT_MOST_ONCE, false)).isFalse();
        assertThat(overAllowAll.maySubscribe(nothing, "a", QoS.AT_MOST_ONCE)).isFalse();
    }

    @Test
    void clientsWithoutTopicRightsAreDecidedByTheOtherAuthorizer() {
        ClientInfo plain = client(Map.of("jwt.sub", List.of("alice")));
        ClaimsAuthorizer overAllowAll = new ClaimsAuthorizer(Authorizer.ALLOW_ALL);

        assertThat(overAllowAll.mayPublish(plain, "anything", QoS.AT_MOST_ONCE, false)).isTrue();
        assertThat(authorizer.mayPublish(plain, "anything", QoS.AT_MOST_ONCE, false)).isFalse();
        assertThat(ClaimsAuthorizer.governs(plain)).isFalse();
        assertThat(ClaimsAuthorizer.governs(DEVICE)).isTrue();
    }

    @Test
    void invalidFiltersAreDroppedWhenTheyAreRead() {
        assertThat(ClaimsAuthorizer.validFilters(List.of("a/#", "a/#/b", "a+", "", "x/+/y"), "test"))
                .containsExactly("a/#", "x/+/y");
    }
}
