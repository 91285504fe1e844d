package io.starling.broker.spi;

import io.starling.codec.QoS;

/**
 * Decides which topics a client may publish to and subscribe to. Called on the event loop for every PUBLISH and
 * every SUBSCRIBE entry, so implementations answer from memory and never block.
 */
public interface Authorizer {

    boolean mayPublish(ClientInfo client, String topicName, QoS qos, boolean retain);

    boolean maySubscribe(ClientInfo client, String topicFilter, QoS qos);

    /** Allows everything: the default when no access control is configured. */
    Authorizer ALLOW_ALL = new Authorizer() {
        @Override
        public boolean mayPublish(ClientInfo client, String topicName, QoS qos, boolean retain) {
            return true;
        }

        @Override
        public boolean maySubscribe(ClientInfo client, String topicFilter, QoS qos) {
            return true;
        }
    };
}
