package io.starling.security;

import io.starling.broker.spi.Authorizer;
import io.starling.broker.spi.ClientInfo;
import io.starling.codec.QoS;
import io.starling.codec.SharedFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Topic rights carried by a client's credentials: the authenticator (JWT claims, the webhook's answer) lists the
 * topic filters the client may publish to and subscribe to in the attributes {@value #PUBLISH} and
 * {@value #SUBSCRIBE} of {@link ClientInfo#attributes()}. Only authenticators set attributes, never clients.
 *
 * <ul>
 *   <li>A client with either attribute is governed by its lists alone: it may publish to a topic matched by one of
 *       its publish filters, and subscribe to a filter covered by one of its subscribe filters (every topic the
 *       requested filter can match is matched by that filter; a shared subscription is judged on its inner
 *       filter). A missing or empty list grants nothing. MQTT's rule on '$' topics holds: a filter starting with a
 *       wildcard never reaches a '$' topic ([MQTT-4.7.2-1]); {@code $share} topics can never be published to.</li>
 *   <li>A client with neither attribute (password file, LDAP, anonymous...) is decided by {@code others}: the ACL
 *       file, or {@link Authorizer#ALLOW_ALL}.</li>
 * </ul>
 * Decisions read the client's immutable attributes and never block.
 */
public final class ClaimsAuthorizer implements Authorizer {
    /** The attribute listing the topic filters the client may publish to. */
    public static final String PUBLISH = "acl.publish";
    /** The attribute listing the topic filters the client may subscribe to. */
    public static final String SUBSCRIBE = "acl.subscribe";
    private static final Logger LOG = LoggerFactory.getLogger(ClaimsAuthorizer.class);

    private final Authorizer others;

    /** @param others decides for clients whose credentials carry no topic rights */
    public ClaimsAuthorizer(Authorizer others) {
        this.others = Objects.requireNonNull(others, "others");
    }

    /**
     * The valid topic filters among {@code filters}, in order: authenticators call it so that an invalid entry
     * (wildcard inside a level, '#' not last...) is dropped once, with a warning, rather than at each decision.
     */
    public static List<String> validFilters(List<String> filters, String source) {
        List<String> valid = new ArrayList<>(filters.size());
        for (String filter : filters) {
            String problem = filter == null || filter.isEmpty() ? "empty" : AclFile.filterProblem(filter);
            if (problem == null) {
                valid.add(filter);
            } else {
                LOG.warn("Ignoring topic filter '{}' from {}: {}", filter, source, problem);
            }
        }
        return List.copyOf(valid);
    }

    /** Whether the client's credentials carry topic rights. */
    public static boolean governs(ClientInfo client) {
        return client.attributes().containsKey(PUBLISH) || client.attributes().containsKey(SUBSCRIBE);
    }

    @Override
    public boolean mayPublish(ClientInfo client, String topicName, QoS qos, boolean retain) {
        if (!governs(client)) {
            return others.mayPublish(client, topicName, qos, retain);
        }
        if (topicName.startsWith("$share")) {
            return false;
        }
        String[] topic = Filters.levels(topicName);
        for (String filter : client.attribute(PUBLISH)) {
            if (Filters.matches(Filters.levels(filter), topic)) {
                return true;
            }
        }
        LOG.debug("Claims: client '{}' (user {}) may not publish to '{}'", client.clientId(), client.username(),
                topicName);
        return false;
    }

    @Override
    public boolean maySubscribe(ClientInfo client, String topicFilter, QoS qos) {
        if (!governs(client)) {
            return others.maySubscribe(client, topicFilter, qos);
        }
        SharedFilter shared = SharedFilter.parse(topicFilter);
        String filter = shared != null ? shared.topicFilter() : topicFilter;
        if (filter.startsWith("$share")) {
            return false;
        }
        String[] wanted = Filters.levels(filter);
        for (String granted : client.attribute(SUBSCRIBE)) {
            if (Filters.covers(Filters.levels(granted), wanted)) {
                return true;
            }
        }
        LOG.debug("Claims: client '{}' (user {}) may not subscribe to '{}'", client.clientId(), client.username(),
                topicFilter);
        return false;
    }

    @Override
    public String toString() {
        return "ClaimsAuthorizer[others=" + others + "]";
    }
}
