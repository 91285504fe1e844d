package io.starling.broker.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "# only a comment\n", "{}", "---\n"})
    void emptyDocumentGivesTheDefaults(String yaml) {
        assertThat(ConfigLoader.parse(yaml)).isEqualTo(BrokerConfig.DEFAULT);
    }

    @Test
    void partialOverrideKeepsEveryOtherDefault() {
        BrokerConfig config = ConfigLoader.parse("""
                connection:
                  receive-maximum: 10
                session:
                  queue-overflow-policy: drop-oldest
                """);

        assertThat(config).isEqualTo(BrokerConfig.DEFAULT
                .withConnection(new ConnectionConfig(Duration.ofSeconds(10), 1024 * 1024, 10, 64, Duration.ZERO, 1.5))
                .withSession(new SessionConfig(Duration.ofSeconds(SessionConfig.NEVER_EXPIRES), Duration.ZERO, 100,
                        1000, 16L * 1024 * 1024, QueueOverflowPolicy.DROP_OLDEST, false)));
    }

    @Test
    void everyKeyIsRead() {
        BrokerConfig config = ConfigLoader.parse("""
                listeners:
                  - name: local
                    bind: 127.0.0.2
                    port: 1884
                  - name: lan
                    bind: 0.0.0.0
                    port: 0
                connection:
                  connect-timeout: 500ms
                  maximum-packet-size: 4096
                  receive-maximum: 20
                  topic-alias-maximum: 0
                  maximum-keep-alive: 5m
                  keep-alive-grace-factor: 2
                session:
                  maximum-session-expiry: 2d
                  persistent-session-expiry: 1h
                  maximum-inflight: 7
                  maximum-queued-messages: 50
                  maximum-queued-bytes: 65536
                  queue-overflow-policy: drop-oldest
                  queue-qos0-when-offline: true
                features:
                  maximum-qos: 1
                  retain-available: false
                  wildcard-subscriptions-available: false
                  shared-subscriptions-available: false
                  subscription-identifiers-available: false
                shutdown-grace-period: 30
                """);

        assertThat(config).isEqualTo(new BrokerConfig(
                List.of(new ListenerConfig("local", "127.0.0.2", 1884), new ListenerConfig("lan", "0.0.0.0", 0)),
                new ConnectionConfig(Duration.ofMillis(500), 4096, 20, 0, Duration.ofMinutes(5), 2.0),
                new SessionConfig(Duration.ofDays(2), Duration.ofHours(1), 7, 50, 65536,
                        QueueOverflowPolicy.DROP_OLDEST, true),
                new FeatureConfig(1, false, false, false, false),
                Duration.ofSeconds(30)));
    }

    @Test
    void listenerKeysNotGivenKeepTheDefaultListenersValues() {
        BrokerConfig config = ConfigLoader.parse("""
                listeners:
                  - port: 1999
                  - name: second
                """);

        assertThat(config.listeners()).containsExactly(
                new ListenerConfig("default", "127.0.0.1", 1999),
                new ListenerConfig("second", "127.0.0.1", 1883));
    }

    @Test
    void sectionWithEveryKeyCommentedOutKeepsItsDefaults() {
        BrokerConfig config = ConfigLoader.parse("""
                session:
                  # maximum-inflight: 10
                features:
                """);

        assertThat(config).isEqualTo(BrokerConfig.DEFAULT);
    }

    @Test
    void enumValuesAreReadInAnyCaseWithDashesOrUnderscores() {
        for (String spelling : List.of("drop-oldest", "DROP_OLDEST", "drop_oldest", "Drop-Oldest")) {
            assertThat(ConfigLoader.parse("session: {queue-overflow-policy: " + spelling + "}")
                    .session().queueOverflowPolicy()).isEqualTo(QueueOverflowPolicy.DROP_OLDEST);
        }
    }

    @Test
    void unknownTopLevelKeyIsNamedWithTheKnownKeys() {
        assertThatThrownBy(() -> ConfigLoader.parse("listners: []", "starling.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("starling.yaml: listners: unknown key; top-level keys are listeners, connection, session, "
                        + "features, shutdown-grace-period, security, storage");
    }

    @Test
    void unknownNestedKeyIsNamedWithItsPath() {
        assertThatThrownBy(() -> ConfigLoader.parse("connection:\n  recieve-maximum: 10\n", "starling.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("starling.yaml: connection.recieve-maximum: unknown key; 'connection' keys are "
                        + "connect-timeout, maximum-packet-size, receive-maximum,");
    }

    @Test
    void unknownKeyInAListenerIsNamedWithItsIndex() {
        assertThatThrownBy(() -> ConfigLoader.parse("listeners:\n  - port: 1\n  - host: x\n", "s.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("s.yaml: listeners[1].host: unknown key;");
    }

    @Test
    void wrongTypesAreNamed() {
        assertThatThrownBy(() -> ConfigLoader.parse("connection: {receive-maximum: lots}", "f.yaml"))
                .hasMessage("f.yaml: connection.receive-maximum: expected a whole number, found 'lots'");
        assertThatThrownBy(() -> ConfigLoader.parse("connection: {receive-maximum: 1.5}", "f.yaml"))
                .hasMessage("f.yaml: connection.receive-maximum: expected a whole number, found 1.5");
        assertThatThrownBy(() -> ConfigLoader.parse("features: {retain-available: 1}", "f.yaml"))
                .hasMessage("f.yaml: features.retain-available: expected true or false, found 1");
        assertThatThrownBy(() -> ConfigLoader.parse("features: {retain-available: 'true'}", "f.yaml"))
                .hasMessage("f.yaml: features.retain-available: expected true or false, found 'true'");
        assertThatThrownBy(() -> ConfigLoader.parse("connection: [1, 2]", "f.yaml"))
                .hasMessage("f.yaml: connection: expected a mapping of keys, found a list");
        assertThatThrownBy(() -> ConfigLoader.parse("listeners: {port: 1}", "f.yaml"))
                .hasMessage("f.yaml: listeners: expected a list, found a mapping");
        assertThatThrownBy(() -> ConfigLoader.parse("connection: {keep-alive-grace-factor: fast}", "f.yaml"))
                .hasMessage("f.yaml: connection.keep-alive-grace-factor: expected a number, found 'fast'");
        assertThatThrownBy(() -> ConfigLoader.parse("session: {queue-overflow-policy: drop-all}", "f.yaml"))
                .hasMessage("f.yaml: session.queue-overflow-policy: expected one of drop-new, drop-oldest, "
                        + "disconnect, found 'drop-all'");
        assertThatThrownBy(() -> ConfigLoader.parse("connection: {receive-maximum: 99999999999}", "f.yaml"))
                .hasMessage("f.yaml: connection.receive-maximum: number out of range: 99999999999");
        assertThatThrownBy(() -> ConfigLoader.parse("listeners: [{port: }]", "f.yaml"))
                .hasMessage("f.yaml: listeners[0].port: needs a value");
        assertThatThrownBy(() -> ConfigLoader.parse("just text", "f.yaml"))
                .hasMessage("f.yaml: expected a mapping of keys at the top level, found 'just text'");
    }

    @Test
    void valuesTheRecordsRejectAreReportedWithTheFileAndKey() {
        assertThatThrownBy(() -> ConfigLoader.parse("connection:\n  receive-maximum: 0\n", "starling.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("starling.yaml: connection.receive-maximum must be 1..65535: 0");
        assertThatThrownBy(() -> ConfigLoader.parse("features: {maximum-qos: 3}", "starling.yaml"))
                .hasMessage("starling.yaml: features.maximum-qos must be 0, 1 or 2: 3");
        assertThatThrownBy(() -> ConfigLoader.parse("connection: {connect-timeout: 0s}", "starling.yaml"))
                .hasMessageStartingWith("starling.yaml: connection.connect-timeout must be a positive duration");
    }

    @Test
    void listenerValuesTheRecordRejectsAreReportedWithTheListenerIndex() {
        assertThatThrownBy(() -> ConfigLoader.parse("listeners:\n  - port: 1\n  - {name: b, port: 70000}\n", "s.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("s.yaml: listeners[1]: listener port must be 0..65535: 70000");
        assertThatThrownBy(() -> ConfigLoader.parse("listeners: []", "s.yaml"))
                .hasMessage("s.yaml: at least one listener is needed");
    }

    @Test
    void twoListenersWithTheSameNameAreRejected() {
        assertThatThrownBy(() -> ConfigLoader.parse("listeners:\n  - port: 1\n  - port: 2\n", "s.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("s.yaml: listeners[1].name: 'default' is already used by another listener");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10x", "-5s", "1.5s", "soon", "1h30m"})
    void badDurationsAreNamedWithTheExpectedForm(String duration) {
        assertThatThrownBy(() -> ConfigLoader.parse("shutdown-grace-period: " + duration, "s.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("s.yaml: shutdown-grace-period: ")
                .hasMessageContaining("500ms, 10s, 5m, 1h, 2d");
    }

    @Test
    void negativeOrFractionalPlainSecondsAreRejected() {
        assertThatThrownBy(() -> ConfigLoader.parse("shutdown-grace-period: -3", "s.yaml"))
                .hasMessageStartingWith("s.yaml: shutdown-grace-period: expected a duration");
        assertThatThrownBy(() -> ConfigLoader.parse("shutdown-grace-period: 2.5", "s.yaml"))
                .hasMessageStartingWith("s.yaml: shutdown-grace-period: expected a duration");
    }

    @Test
    void durationKeysAcceptEveryUnit() {
        assertThat(ConfigLoader.parse("shutdown-grace-period: 1500ms").shutdownGracePeriod())
                .isEqualTo(Duration.ofMillis(1500));
        assertThat(ConfigLoader.parse("shutdown-grace-period: 2m").shutdownGracePeriod())
                .isEqualTo(Duration.ofMinutes(2));
        assertThat(ConfigLoader.parse("shutdown-grace-period: '45'").shutdownGracePeriod())
                .isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void duplicateKeysAreRejected() {
        assertThatThrownBy(() -> ConfigLoader.parse("connection:\n  receive-maximum: 1\n  receive-maximum: 2\n",
                "s.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("s.yaml: invalid YAML at line 3")
                .hasMessageContaining("receive-maximum");
    }

    @Test
    void yamlSyntaxErrorIsOneLineWithItsPosition() {
        assertThatThrownBy(() -> ConfigLoader.parse("connection:\n  receive-maximum: [1\n", "s.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("s.yaml: invalid YAML at line ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void inlineConfigurationIsNamedAsSuch() {
        assertThatThrownBy(() -> ConfigLoader.parse("bogus: 1"))
                .hasMessageStartingWith("inline configuration: bogus: unknown key");
    }

    @Test
    void loadReadsAFileAndNamesItInErrors(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("good.yaml");
        Files.writeString(good, "listeners: [{port: 2000}]\n");
        assertThat(ConfigLoader.load(good)).isEqualTo(BrokerConfig.DEFAULT.withListener("127.0.0.1", 2000));

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "session: {maximum-inflight: 0}\n");
        assertThatThrownBy(() -> ConfigLoader.load(bad))
                .isInstanceOf(ConfigException.class)
                .hasMessage(bad + ": session.maximum-inflight must be 1..65535: 0");
    }

    @Test
    void missingFileIsOneLine(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> ConfigLoader.load(missing))
                .isInstanceOf(ConfigException.class)
                .hasMessage(missing + ": no such file");
    }

    @Test
    void fileThatIsNotUtf8IsRejected(@TempDir Path dir) throws Exception {
        Path latin1 = dir.resolve("latin1.yaml");
        Files.write(latin1, "listeners: [{name: caf\u00e9}]\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> ConfigLoader.load(latin1))
                .isInstanceOf(ConfigException.class)
                .hasMessage(latin1 + ": not UTF-8 text");
    }

    @Test
    void keyPathsListEveryRecordComponent() {
        assertThat(ConfigLoader.keyPaths()).containsExactly(
                "listeners[].name", "listeners[].type", "listeners[].bind", "listeners[].port",
                "listeners[].websocket-path", "listeners[].proxy-protocol", "listeners[].max-connections",
                "listeners[].max-connection-rate",
                "listeners[].tls.cert-file", "listeners[].tls.key-file", "listeners[].tls.ca-file",
                "listeners[].tls.client-certificate", "listeners[].tls.provider", "listeners[].tls.protocols",
                "listeners[].tls.cipher-suites", "listeners[].tls.username-from-certificate",
                "listeners[].tls.reload-check-interval",
                "connection.connect-timeout", "connection.maximum-packet-size", "connection.receive-maximum",
                "connection.topic-alias-maximum", "connection.maximum-keep-alive",
                "connection.keep-alive-grace-factor", "connection.outbound-topic-alias-maximum",
                "connection.server-reference", "connection.server-moved", "connection.maximum-publish-rate",
                "connection.maximum-inbound-bandwidth", "connection.maximum-topic-length",
                "connection.maximum-topic-levels",
                "session.maximum-session-expiry", "session.persistent-session-expiry", "session.maximum-inflight",
                "session.maximum-queued-messages", "session.maximum-queued-bytes", "session.queue-overflow-policy",
                "session.queue-qos0-when-offline", "session.maximum-subscriptions-per-client",
                "session.queued-messages-in-memory",
                "features.maximum-qos", "features.retain-available", "features.wildcard-subscriptions-available",
                "features.shared-subscriptions-available", "features.subscription-identifiers-available",
                "features.response-information", "features.maximum-retained-messages",
                "shutdown-grace-period",
                "security.password-file", "security.acl-file", "security.allow-anonymous",
                "security.jwt.secret-file", "security.jwt.public-key-file", "security.jwt.jwks-file",
                "security.jwt.jwks-url", "security.jwt.jwks-refresh-interval", "security.jwt.timeout",
                "security.jwt.algorithms", "security.jwt.issuer", "security.jwt.audience",
                "security.jwt.username-claim", "security.jwt.require-expiry", "security.jwt.clock-skew",
                "security.jwt.publish-claim", "security.jwt.subscribe-claim", "security.ldap.url",
                "security.ldap.bind-dn-template", "security.ldap.search-base", "security.ldap.search-filter",
                "security.ldap.search-bind-dn", "security.ldap.search-bind-password-file", "security.ldap.timeout",
                "security.ldap.threads", "security.webhook.url", "security.webhook.timeout",
                "security.webhook.cache-ttl", "security.webhook.cache-size", "security.scram.credentials-file",
                "security.failed-login-delay.initial", "security.failed-login-delay.maximum",
                "security.failed-login-delay.forget-after", "security.failed-login-delay.tracked-addresses",
                "security.disconnect-on-denied-publish",
                "storage.durability", "storage.data-directory", "storage.flush-interval");
    }

    @Test
    void limitsAreReadAndValidated() {
        BrokerConfig config = ConfigLoader.parse("""
                listeners:
                  - max-connection-rate: 20
                connection:
                  maximum-publish-rate: 100
                  maximum-inbound-bandwidth: 65536
                  maximum-topic-length: 1024
                  maximum-topic-levels: 0
                security:
                  disconnect-on-denied-publish: true
                """);

        assertThat(config.listeners().get(0).maxConnectionRate()).isEqualTo(20);
        assertThat(config.connection()).isEqualTo(ConnectionConfig.DEFAULT.withRateLimits(100, 65536)
                .withTopicLimits(1024, 0));
        assertThat(config.security()).isEqualTo(SecurityConfig.DEFAULT.withDisconnectOnDeniedPublish(true));
        assertThat(BrokerConfig.DEFAULT.connection().maximumTopicLevels()).isEqualTo(200);
        assertThat(BrokerConfig.DEFAULT.connection().maximumTopicLength()).isEqualTo(65535);
        assertThatThrownBy(() -> ConfigLoader.parse("connection:\n  maximum-topic-length: 0\n"))
                .hasMessageContaining("maximum-topic-length");
        assertThatThrownBy(() -> ConfigLoader.parse("connection:\n  maximum-publish-rate: -1\n"))
                .hasMessageContaining("maximum-publish-rate");
        assertThatThrownBy(() -> ConfigLoader.parse("listeners:\n  - max-connection-rate: -1\n"))
                .hasMessageContaining("max-connection-rate");
    }

    @Test
    void securitySectionIsReadOverItsDefaults() {
        BrokerConfig config = ConfigLoader.parse("security:\n  password-file: /etc/starling/passwd\n"
                + "  allow-anonymous: true\n");

        assertThat(config.security()).isEqualTo(new SecurityConfig("/etc/starling/passwd", "", true));
        assertThat(config.security().hasPasswordFile()).isTrue();
        assertThat(config.security().hasAclFile()).isFalse();
        assertThat(BrokerConfig.DEFAULT.security()).isEqualTo(SecurityConfig.DEFAULT);
        assertThat(SecurityConfig.DEFAULT.hasPasswordFile()).isFalse();
    }
}
