package io.starling.broker.spi;

import java.util.concurrent.CompletionStage;

/**
 * An MQTT 5 enhanced authentication mechanism ([MQTT-4.12]): a challenge / response exchange carried by the
 * Authentication Method and Authentication Data properties of CONNECT, AUTH and CONNACK, and again by AUTH when the
 * client re-authenticates ([MQTT-4.12.1]). The broker drives the packets; the mechanism only judges the data.
 *
 * <p>One exchange object serves one authentication (at connect, or one re-authentication). Its methods are called
 * one at a time, never concurrently, and must not block: a mechanism that needs I/O completes the stage later.
 */
public interface EnhancedAuthenticator {

    /** The Authentication Method this mechanism answers to, e.g. {@code SCRAM-SHA-256}. */
    String method();

    /**
     * Starts an exchange. {@code request} describes the connection (the username and password of CONNECT, if
     * any, included); {@code reauthentication} is true when an established connection re-authenticates.
     */
    Exchange start(AuthenticationRequest request, boolean reauthentication);

    /** One authentication in progress. */
    interface Exchange {
        /** The client's data: the Authentication Data of CONNECT or AUTH (null when absent). */
        CompletionStage<AuthenticationStep> onClientData(byte[] data);
    }
}
