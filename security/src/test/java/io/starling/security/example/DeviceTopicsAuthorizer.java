package io.starling.security.example;

import io.starling.broker.spi.Authorizer;
import io.starling.broker.spi.ClientInfo;
import io.starling.codec.QoS;

import java.util.List;

/**
 * Example of a custom {@link Authorizer} (docs/security.md): a device may publish under {@code devices/<id>/} and
 * subscribe to {@code commands/<id>/} only, {@code <id>} being the device its authenticator named in the
 * {@value FactoryKeyAuthenticator#DEVICE_ATTRIBUTE} attribute. Clients without that attribute may do nothing.
 * Decisions run on the network threads for every PUBLISH and SUBSCRIBE: they only look at memory.
 */
public final class DeviceTopicsAuthorizer implements Authorizer {

    @Override
    public boolean mayPublish(ClientInfo client, String topicName, QoS qos, boolean retain) {
        List<String> device = client.attribute(FactoryKeyAuthenticator.DEVICE_ATTRIBUTE);
        return device.size() == 1 && topicName.startsWith("devices/" + device.get(0) + "/");
    }

    @Override
    public boolean maySubscribe(ClientInfo client, String topicFilter, QoS qos) {
        List<String> device = client.attribute(FactoryKeyAuthenticator.DEVICE_ATTRIBUTE);
        String own = "commands/" + device.stream().findFirst().orElse("\0") + "/";
        // A filter is within the device's own commands when it starts with them, wildcards included
        // ("commands/d1/#"); a filter with a wildcard before that prefix could reach other devices. Device ids are
        // provisioned (the factory key signs them), so none contains a wildcard.
        return device.size() == 1 && topicFilter.startsWith(own);
    }
}
