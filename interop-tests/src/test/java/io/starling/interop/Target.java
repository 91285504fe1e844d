package io.starling.interop;

import java.util.List;
import java.util.stream.Stream;

/** One row of the matrix: a client library at one protocol version. */
public record Target(Client client, MqttVersion version) {

    /** Every library at every version it speaks, in matrix order. */
    public static List<Target> all() {
        return Stream.of(Client.values())
                .flatMap(client -> client.versions().stream().map(version -> new Target(client, version)))
                .toList();
    }

    /** Client identifier for one role in one step, e.g. {@code js-311-q1-sub}: short enough for MQTT 3.1. */
    public String clientId(String step, String role) {
        String id = client.shortName() + "-" + version.cliName() + "-" + step + "-" + role;
        if (id.length() > 23) {
            throw new IllegalArgumentException("client identifier over MQTT 3.1's 23 characters: " + id);
        }
        return id;
    }

    /** The topic subtree one step of this target uses, so that no two tests see each other's messages. */
    public String topicBase(String step) {
        return "interop/" + client.shortName() + "-" + version.cliName() + "/" + step;
    }

    @Override
    public String toString() {
        return client.label() + " " + version.label();
    }
}
