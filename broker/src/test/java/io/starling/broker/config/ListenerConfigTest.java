package io.starling.broker.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The listener keys of the configuration file: types, TLS, WebSocket, PROXY protocol, connection limits. */
class ListenerConfigTest {

    @Test
    void everyListenerKeyIsRead() {
        BrokerConfig config = ConfigLoader.parse("""
                listeners:
                  - name: plain
                    port: 1883
                  - name: secure
                    type: mqtts
                    bind: 0.0.0.0
                    port: 8883
                    max-connections: 500
                    proxy-protocol: true
                    tls:
                      cert-file: /etc/starling/server.pem
                      key-file: /etc/starling/server.key
                      ca-file: /etc/starling/ca.pem
                      client-certificate: required
                      provider: jdk
                      protocols: [TLSv1.3]
                      cipher-suites: [TLS_AES_256_GCM_SHA384]
                      username-from-certificate: san-email
                      reload-check-interval: 1m
                  - name: browsers
                    type: ws
                    port: 8083
                    websocket-path: /mqtt-ws
                """);

        assertThat(config.listeners()).containsExactly(
                new ListenerConfig("plain", "127.0.0.1", 1883),
                new ListenerConfig("secure", ListenerType.MQTTS, "0.0.0.0", 8883, "/mqtt", true, 500,
                        new TlsConfig("/etc/starling/server.pem", "/etc/starling/server.key", "/etc/starling/ca.pem",
                                ClientCertificateMode.REQUIRED, TlsProvider.JDK, List.of("TLSv1.3"),
                                List.of("TLS_AES_256_GCM_SHA384"), CertificateUsername.SAN_EMAIL,
                                Duration.ofMinutes(1))),
                ListenerConfig.of("browsers", ListenerType.WS, "127.0.0.1", 8083, TlsConfig.DEFAULT)
                        .withWebsocketPath("/mqtt-ws"));
    }

    @Test
    void tlsListenerWithoutCertificateIsRefusedNamingTheListener() {
        assertThatThrownBy(() -> ConfigLoader.parse("listeners:\n  - type: wss\n    port: 8084\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("inline configuration: listeners[0]: a wss listener needs tls.cert-file and tls.key-file");
    }

    @Test
    void certificateOnAPlainListenerIsRefusedRatherThanServedInClear() {
        assertThatThrownBy(() -> ConfigLoader.parse("""
                listeners:
                  - port: 8883
                    tls:
                      cert-file: server.pem
                      key-file: server.key
                """))
                .hasMessageContaining("listeners[0]: tls.cert-file is set but the listener's type is mqtt");
    }

    @Test
    void usernameFromCertificateNeedsClientCertificates() {
        assertThatThrownBy(() -> ConfigLoader.parse("""
                listeners:
                  - type: mqtts
                    tls:
                      cert-file: server.pem
                      key-file: server.key
                      username-from-certificate: cn
                """))
                .hasMessage("inline configuration: listeners[0].tls: username-from-certificate needs "
                        + "client-certificate optional or required");
    }

    @Test
    void clientCertificatesNeedACaFile() {
        assertThatThrownBy(() -> new TlsConfig("s.pem", "s.key", "", ClientCertificateMode.OPTIONAL, null, null,
                null, null, null))
                .hasMessageContaining("ca-file is needed");
    }

    @Test
    void unknownValuesAreRefused() {
        assertThatThrownBy(() -> ConfigLoader.parse("listeners:\n  - type: quic\n"))
                .hasMessageContaining("listeners[0].type: expected one of mqtt, mqtts, ws, wss");
        assertThatThrownBy(() -> ConfigLoader.parse(
                "listeners:\n  - type: mqtts\n    tls:\n      cert-file: a\n      key-file: b\n      protocols: [SSLv3]\n"))
                .hasMessageContaining("unknown TLS version 'SSLv3'");
        assertThatThrownBy(() -> ConfigLoader.parse("listeners:\n  - max-connections: -1\n"))
                .hasMessageContaining("max-connections must be 0 (no limit) or more: -1");
        assertThatThrownBy(() -> ConfigLoader.parse("listeners:\n  - type: ws\n    websocket-path: mqtt\n"))
                .hasMessageContaining("websocket-path must start with /");
    }

    @Test
    void withAddressKeepsEveryOtherSetting() {
        ListenerConfig secure = ListenerConfig.of("s", ListenerType.MQTTS, "0.0.0.0", 8883, TlsConfig.of("a", "b"))
                .withProxyProtocol(true).withMaxConnections(3);

        assertThat(secure.withAddress("127.0.0.1", 0)).isEqualTo(
                ListenerConfig.of("s", ListenerType.MQTTS, "127.0.0.1", 0, TlsConfig.of("a", "b"))
                        .withProxyProtocol(true).withMaxConnections(3));
    }

    @Test
    void typesKnowTheirTransport() {
        assertThat(ListenerType.MQTT.tls()).isFalse();
        assertThat(ListenerType.MQTTS.tls()).isTrue();
        assertThat(ListenerType.WS.webSocket()).isTrue();
        assertThat(ListenerType.WSS.tls() && ListenerType.WSS.webSocket()).isTrue();
        assertThat(ListenerType.MQTTS.conventionalPort()).isEqualTo(8883);
    }
}
