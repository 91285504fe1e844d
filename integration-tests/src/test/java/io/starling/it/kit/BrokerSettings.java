package io.starling.it.kit;

import io.starling.broker.config.QueueOverflowPolicy;

import java.time.Duration;

/**
 * Per-test broker tweaks, each null when the broker's default applies. Both implementations translate what they
 * can; a setting Mosquitto has no equivalent for makes {@link MosquittoBroker} abort the test (reported as
 * skipped), so a test that needs one is Starling-only by construction.
 */
public record BrokerSettings(Duration connectTimeout, Integer maximumPacketSize, Integer receiveMaximum,
                             Integer topicAliasMaximum, Integer maximumQos, Boolean retainAvailable,
                             Boolean wildcardSubscriptionsAvailable, Boolean sharedSubscriptionsAvailable,
                             Boolean subscriptionIdentifiersAvailable, Integer maximumInflight,
                             Integer maximumQueuedMessages, QueueOverflowPolicy queueOverflowPolicy,
                             Boolean queueQos0WhenOffline, Duration maximumKeepAlive,
                             Duration shutdownGracePeriod) {

    public static final BrokerSettings DEFAULTS = new BrokerSettings(null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null);

    public BrokerSettings connectTimeout(Duration value) {
        return new BrokerSettings(value, maximumPacketSize, receiveMaximum, topicAliasMaximum, maximumQos,
                retainAvailable, wildcardSubscriptionsAvailable, sharedSubscriptionsAvailable,
                subscriptionIdentifiersAvailable, maximumInflight, maximumQueuedMessages, queueOverflowPolicy,
                queueQos0WhenOffline, maximumKeepAlive, shutdownGracePeriod);
    }

    public BrokerSettings maximumPacketSize(int value) {
        return new BrokerSettings(connectTimeout, value, receiveMaximum, topicAliasMaximum, maximumQos,
                retainAvailable, wildcardSubscriptionsAvailable, sharedSubscriptionsAvailable,
                subscriptionIdentifiersAvailable, maximumInflight, maximumQueuedMessages, queueOverflowPolicy,
                queueQos0WhenOffline, maximumKeepAlive, shutdownGracePeriod);
    }

    public BrokerSettings receiveMaximum(int value) {
        return new BrokerSettings(connectTimeout, maximumPacketSize, value, topicAliasMaximum, maximumQos,
                retainAvailable, wildcardSubscriptionsAvailable, sharedSubscriptionsAvailable,
                subscriptionIdentifiersAvailable, maximumInflight, maximumQueuedMessages, queueOverflowPolicy,
                queueQos0WhenOffline, maximumKeepAlive, shutdownGracePeriod);
    }

    public BrokerSettings topicAliasMaximum(int value) {
        return new BrokerSettings(connectTimeout, maximumPacketSize, receiveMaximum, value, maximumQos,
                retainAvailable, wildcardSubscriptionsAvailable, sharedSubscriptionsAvailable,
                subscriptionIdentifiersAvailable, maximumInflight, maximumQueuedMessages, queueOverflowPolicy,
                queueQos0WhenOffline, maximumKeepAlive, shutdownGracePeriod);
    }

    public BrokerSettings maximumQos(int value) {
        return new BrokerSettings(connectTimeout, maximumPacketSize, receiveMaximum, topicAliasMaximum, value,
                retainAvailable, wildcardSubscriptionsAvailable, sharedSubscriptionsAvailable,
                subscriptionIdentifiersAvailable, maximumInflight, maximumQueuedMessages, queueOverflowPolicy,
                queueQos0WhenOffline, maximumKeepAlive, shutdownGracePeriod);
    }

    public BrokerSettings retainAvailable(boolean value) {
        return new BrokerSettings(connectTimeout, maximumPacketSize, receiveMaximum, topicAliasMaximum, maximumQos,
                value, wildcardSubscriptionsAvailable, sharedSubscriptionsAvailable,
                subscriptionIdentifiersAvailable, maximumInflight, maximumQueuedMessages, queueOverflowPolicy,
                queueQos0WhenOffline, maximumKeepAlive, shutdownGracePeriod);
    }

    public BrokerSettings wildcardSubscriptionsAvailable(boolean value) {
        return new BrokerSettings(connectTimeout, maximumPacketSize, receiveMaximum, topicAliasMaximum, maximumQos,
                retainAvailable, value, sharedSubscriptionsAvailable, subscriptionIdentifiersAvailable,
                maximumInflight, maximumQueuedMessages, queueOverflowPolicy, queueQos0WhenOffline, maximumKeepAlive,
                shutdownGracePeriod);
    }

    public BrokerSettings sharedSubscriptionsAvailable(boolean value) {
        return new BrokerSettings(connectTimeout, maximumPacketSize, receiveMaximum, topicAliasMaximum, maximumQos,
                retainAvailable, wildcardSubscriptionsAvailable, value, subscriptionIdentifiersAvailable,
                maximumInflight, maximumQueuedMessages, queueOverflowPolicy, queueQos0WhenOffline, maximumKeepAlive,
                shutdownGracePeriod);
    }

    public BrokerSettings subscriptionIdentifiersAvailable(boolean value) {
        return new BrokerSettings(connectTimeout, maximumPacketSize, receiveMaximum, topicAliasMaximum, maximumQos,
                retainAvailable, wildcardSubscriptionsAvailable, sharedSubscriptionsAvailable, value,
                maximumInflight, maximumQueuedMessages, queueOverflowPolicy, queueQos0WhenOffline, maximumKeepAlive,
                shutdownGracePeriod);
    }

    public BrokerSettings maximumInflight(int value) {
        return new BrokerSettings(connectTimeout, maximumPacketSize, receiveMaximum, topicAliasMaximum, maximumQos,
                retainAvailable, wildcardSubscriptionsAvailable, sharedSubscriptionsAvailable,
                subscriptionIdentifiersAvailable, value, maximumQueuedMessages, queueOverflowPolicy,
                queueQos0WhenOffline, maximumKeepAlive, shutdownGracePeriod);
    }

    public BrokerSettings maximumQueuedMessages(int value) {
        return new BrokerSettings(connectTimeout, maximumPacketSize, receiveMaximum, topicAliasMaximum, maximumQos,
                retainAvailable, wildcardSubscriptionsAvailable, sharedSubscriptionsAvailable,
                subscriptionIdentifiersAvailable, maximumInflight, value, queueOverflowPolicy, queueQos0WhenOffline,
                maximumKeepAlive, shutdownGracePeriod);
    }

    public BrokerSettings queueOverflowPolicy(QueueOverflowPolicy value) {
        return new BrokerSettings(connectTimeout, maximumPacketSize, receiveMaximum, topicAliasMaximum, maximumQos,
                retainAvailable, wildcardSubscriptionsAvailable, sharedSubscriptionsAvailable,
                subscriptionIdentifiersAvailable, maximumInflight, maximumQueuedMessages, value, queueQos0WhenOffline,
                maximumKeepAlive, shutdownGracePeriod);
    }

    public BrokerSettings queueQos0WhenOffline(boolean value) {
        return new BrokerSettings(connectTimeout, maximumPacketSize, receiveMaximum, topicAliasMaximum, maximumQos,
                retainAvailable, wildcardSubscriptionsAvailable, sharedSubscriptionsAvailable,
                subscriptionIdentifiersAvailable, maximumInflight, maximumQueuedMessages, queueOverflowPolicy, value,
                maximumKeepAlive, shutdownGracePeriod);
    }

    public BrokerSettings maximumKeepAlive(Duration value) {
        return new BrokerSettings(connectTimeout, maximumPacketSize, receiveMaximum, topicAliasMaximum, maximumQos,
                retainAvailable, wildcardSubscriptionsAvailable, sharedSubscriptionsAvailable,
                subscriptionIdentifiersAvailable, maximumInflight, maximumQueuedMessages, queueOverflowPolicy,
                queueQos0WhenOffline, value, shutdownGracePeriod);
    }

    public BrokerSettings shutdownGracePeriod(Duration value) {
        return new BrokerSettings(connectTimeout, maximumPacketSize, receiveMaximum, topicAliasMaximum, maximumQos,
                retainAvailable, wildcardSubscriptionsAvailable, sharedSubscriptionsAvailable,
                subscriptionIdentifiersAvailable, maximumInflight, maximumQueuedMessages, queueOverflowPolicy,
                queueQos0WhenOffline, maximumKeepAlive, value);
    }
}
