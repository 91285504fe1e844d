package io.starling.loadtool.scenario;

import io.starling.loadtool.client.ClientSettings;

import java.util.Objects;

/**
 * What every scenario shares.
 *
 * @param client       how clients connect
 * @param threads      the tool's event loops
 * @param brokerPid    the broker's process id, to read its CPU time and memory from /proc; null when not given
 * @param expectNoLoss whether a lost message (or a QoS 1/2 flow left incomplete) fails the run
 * @param topicPrefix  every topic of the run starts with it; unique per run, so that runs never see each other's
 *                     messages or retained messages
 */
public record RunSettings(ClientSettings client, int threads, Long brokerPid, boolean expectNoLoss,
                          String topicPrefix) {
    public RunSettings {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(topicPrefix, "topicPrefix");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        if (topicPrefix.isEmpty() || topicPrefix.contains("+") || topicPrefix.contains("#")) {
            throw new IllegalArgumentException("topic prefix must be a non-empty topic name without wildcards: "
                    + topicPrefix);
        }
    }

    /** The client identifier of a role's n-th client, e.g. {@code bench-1a2b3c-p0}. */
    public String clientId(String role, int n) {
        return client.clientIdPrefix() + "-" + role + n;
    }
}
