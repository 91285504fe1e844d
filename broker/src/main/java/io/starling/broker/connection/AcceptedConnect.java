package io.starling.broker.connection;

import io.starling.broker.spi.ClientInfo;
import io.starling.codec.packet.Connect;

/**
 * A CONNECT that passed validation and authentication, handed from the {@link ConnectHandler} (on the channel's
 * event loop) to the {@link MqttConnection} (on the session's executor).
 *
 * @param clientId               the identifier in use: the client's own, or one the broker assigned
 * @param assignedClientId       whether the broker assigned it ([MQTT-3.1.3-6]: then returned in CONNACK)
 * @param keepAliveSeconds       the keep alive in force (the client's, or the Server Keep Alive the broker imposes)
 * @param serverKeepAliveChanged whether the broker changed it, so CONNACK must say so ([MQTT-3.2.2-21])
 * @param authenticationMethod   the enhanced authentication method used, or null ([MQTT-3.2.2-?] echoed in CONNACK)
 * @param authenticationData     the mechanism's final data for CONNACK, or null
 */
record AcceptedConnect(Connect connect, ClientInfo client, String clientId, boolean assignedClientId,
                       int keepAliveSeconds, boolean serverKeepAliveChanged, String authenticationMethod,
                       byte[] authenticationData) {
}
