package io.starling.security.scram;

import io.starling.broker.spi.AuthenticationRequest;
import io.starling.broker.spi.AuthenticationStep;
import io.starling.broker.spi.EnhancedAuthenticator;
import io.starling.codec.MqttVersion;
import io.starling.codec.ReasonCode;
import io.starling.security.ReloadingFile;
import io.starling.security.SecurityFileException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScramAuthenticatorTest {
    /** RFC 7677 section 3: user "user", password "pencil". */
    private static final String RFC_SALT = "W22ZaJ0SNY7soEsUEjb6gQ==";
    private static final String RFC_CLIENT_NONCE = "rOprNGfwEbeRWgbNEkqO";
    private static final String RFC_SERVER_NONCE = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";

    @TempDir
    Path dir;
    private ScramAuthenticator scram;

    @AfterEach
    void close() {
        if (scram != null) {
            scram.close();
        }
    }

    private ScramAuthenticator start(String... users) throws Exception {
        Path file = dir.resolve("scram");
        boolean create = true;
        for (int i = 0; i < users.length; i += 2) {
            ScramCredentialsFile.setPassword(file, users[i], users[i + 1].toCharArray(), create, 4096);
            create = false;
        }
        scram = ScramAuthenticator.start(file, Duration.ZERO);
        return scram;
    }

    private static AuthenticationStep step(EnhancedAuthenticator.Exchange exchange, String message) throws Exception {
        return exchange.onClientData(message == null ? null : message.getBytes(StandardCharsets.UTF_8))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static String data(AuthenticationStep step) {
        byte[] data = step instanceof AuthenticationStep.Continue next ? next.data()
                : ((AuthenticationStep.Success) step).data();
        return new String(data, StandardCharsets.UTF_8);
    }

    private static AuthenticationRequest connect() {
        return new AuthenticationRequest("client-1", null, null, MqttVersion.MQTT_5, null, "default");
    }

    private static void assertRefused(AuthenticationStep step, String error) {
        assertThat(step).isInstanceOfSatisfying(AuthenticationStep.Failure.class, failure -> {
            assertThat(failure.reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
            assertThat(failure.reason()).contains(error);
        });
    }

    @Test
    void rfc7677ExampleExchangeGivesTheRfcMessages() throws Exception {
        ScramCredential credential = ScramCredential.derive("pencil".getBytes(StandardCharsets.UTF_8),
                Base64.getDecoder().decode(RFC_SALT), 4096);
        Path file = Files.writeString(dir.resolve("scram"), "# RFC 7677\nuser:" + credential.format() + "\n");
        scram = ScramAuthenticator.withNonces(ReloadingFile.watch(file, "SCRAM credentials file",
                ScramCredentialsFile::parse, Duration.ZERO), () -> RFC_SERVER_NONCE);
        EnhancedAuthenticator.Exchange exchange = scram.start(connect(), false);

        AuthenticationStep first = step(exchange, "n,,n=user,r=" + RFC_CLIENT_NONCE);
        assertThat(data(first)).isEqualTo("r=" + RFC_CLIENT_NONCE + RFC_SERVER_NONCE + ",s=" + RFC_SALT + ",i=4096");

        AuthenticationStep last = step(exchange, "c=biws,r=" + RFC_CLIENT_NONCE + RFC_SERVER_NONCE
                + ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
        assertThat(last).isInstanceOfSatisfying(AuthenticationStep.Success.class,
                success -> assertThat(success.username()).isEqualTo("user"));
        assertThat(data(last)).isEqualTo("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    }

    @Test
    void saltedPasswordIsPbkdf2HmacSha256() throws Exception {
        // RFC 7914 section 11: PBKDF2-HMAC-SHA256, P="passwd", S="salt", c=1, first 32 bytes.
        assertThat(HexFormat.of().formatHex(ScramCredential.saltedPassword("passwd".getBytes(StandardCharsets.UTF_8),
                "salt".getBytes(StandardCharsets.UTF_8), 1)))
                .isEqualTo("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
        javax.crypto.SecretKeyFactory jdk = javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
        byte[] expected = jdk.generateSecret(new javax.crypto.spec.PBEKeySpec("pencil".toCharArray(),
                "0123456789abcdef".getBytes(StandardCharsets.UTF_8), 4096, 256)).getEncoded();
        assertThat(ScramCredential.saltedPassword("pencil".getBytes(StandardCharsets.UTF_8),
                "0123456789abcdef".getBytes(StandardCharsets.UTF_8), 4096)).isEqualTo(expected);
    }

    @Test
    void rightPasswordSucceedsAndTheServerProvesItselfToo() throws Exception {
        EnhancedAuthenticator.Exchange exchange = start("alice", "wonderland").start(connect(), false);
        ScramClient client = new ScramClient("alice", "wonderland");

        AuthenticationStep first = step(exchange, client.clientFirst());
        AuthenticationStep last = step(exchange, client.clientFinal(data(first), false));

        assertThat(last).isInstanceOfSatisfying(AuthenticationStep.Success.class,
                success -> assertThat(success.username()).isEqualTo("alice"));
        assertThat(client.verifyServerFinal(data(last))).isTrue();
    }

    @Test
    void wrongPasswordIsRefusedAtTheProof() throws Exception {
        EnhancedAuthenticator.Exchange exchange = start("alice", "wonderland").start(connect(), false);
        ScramClient client = new ScramClient("alice", "guess");

        AuthenticationStep first = step(exchange, client.clientFirst());

        assertRefused(step(exchange, client.clientFinal(data(first), false)), "e=invalid-proof");
    }

    @Test
    void tamperedProofIsRefused() throws Exception {
        EnhancedAuthenticator.Exchange exchange = start("alice", "wonderland").start(connect(), false);
        ScramClient client = new ScramClient("alice", "wonderland");

        AuthenticationStep first = step(exchange, client.clientFirst());

        assertRefused(step(exchange, client.clientFinal(data(first), true)), "e=invalid-proof");
    }

    @Test
    void finalMessageWithAnotherNonceIsRefused() throws Exception {
        EnhancedAuthenticator.Exchange exchange = start("alice", "wonderland").start(connect(), false);
        ScramClient client = new ScramClient("alice", "wonderland", "clientnonce");
        AuthenticationStep first = step(exchange, client.clientFirst());
        client.echoedNonce = "clientnonce" + "replayed-server-part";

        assertRefused(step(exchange, client.clientFinal(data(first), false)), "nonce");
    }

    @Test
    void unknownUserLooksLikeAnyUserUntilTheProof() throws Exception {
        ScramAuthenticator authenticator = start("alice", "wonderland");
        ScramClient first = new ScramClient("mallory", "x");
        ScramClient second = new ScramClient("mallory", "x");
        EnhancedAuthenticator.Exchange one = authenticator.start(connect(), false);
        EnhancedAuthenticator.Exchange two = authenticator.start(connect(), false);

        String serverFirstOne = data(step(one, first.clientFirst()));
        String serverFirstTwo = data(step(two, second.clientFirst()));

        String saltOne = serverFirstOne.replaceAll(".*,s=([^,]*),.*", "$1");
        assertThat(saltOne).as("the same salt every time, as for a real user")
                .isEqualTo(serverFirstTwo.replaceAll(".*,s=([^,]*),.*", "$1"));
        assertThat(serverFirstOne).endsWith(",i=4096");
        assertRefused(step(one, first.clientFinal(serverFirstOne, false)), "e=invalid-proof");
    }

    @Test
    void malformedOrUnsupportedFirstMessagesAreRefused() throws Exception {
        ScramAuthenticator authenticator = start("alice", "wonderland");

        assertRefused(step(authenticator.start(connect(), false), "p=tls-unique,,n=alice,r=abc"),
                "channel-binding-not-supported");
        assertRefused(step(authenticator.start(connect(), false), "n,,m=ext,n=alice,r=abc"),
                "extensions-not-supported");
        assertRefused(step(authenticator.start(connect(), false), "n,,n=al=ice,r=abc"), "invalid-username-encoding");
        assertRefused(step(authenticator.start(connect(), false), "n,a=bob,n=alice,r=abc"), "authorization identity");
        assertRefused(step(authenticator.start(connect(), false), "hello"), "GS2 header");
        assertRefused(step(authenticator.start(connect(), false), null), "no SCRAM message");
        assertRefused(step(authenticator.start(connect(), false), "n,,n=alice,r="), "invalid client nonce");
        assertRefused(step(authenticator.start(connect(), false), "n,,n=alice"), "expected n=<user>,r=<nonce>");
    }

    @Test
    void channelBindingOfTheFinalMessageMustBeTheFirstMessagesHeader() throws Exception {
        EnhancedAuthenticator.Exchange exchange = start("alice", "wonderland").start(connect(), false);
        ScramClient client = new ScramClient("alice", "wonderland");
        String serverFirst = data(step(exchange, client.clientFirst()));
        String honest = client.clientFinal(serverFirst, false);

        assertRefused(step(exchange, honest.replace("c=biws", "c=eSws")), "channel-bindings-dont-match");
    }

    @Test
    void reauthenticationMustNameTheConnectedUser() throws Exception {
        ScramAuthenticator authenticator = start("alice", "wonderland", "bob", "builder");
        AuthenticationRequest asAlice = new AuthenticationRequest("client-1", "alice", null, MqttVersion.MQTT_5, null,
                "default");

        EnhancedAuthenticator.Exchange same = authenticator.start(asAlice, true);
        ScramClient alice = new ScramClient("alice", "wonderland");
        String serverFirst = data(step(same, alice.clientFirst()));
        assertThat(step(same, alice.clientFinal(serverFirst, false))).isInstanceOf(AuthenticationStep.Success.class);

        EnhancedAuthenticator.Exchange other = authenticator.start(asAlice, true);
        assertRefused(step(other, new ScramClient("bob", "builder").clientFirst()), "same user name");
    }

    @Test
    void credentialTextRoundTripsAndTheFileToolUpdatesInPlace() throws Exception {
        ScramCredential credential = ScramCredential.create("pw".getBytes(StandardCharsets.UTF_8), 4096);
        assertThat(ScramCredential.parse(credential.format())).isEqualTo(credential);
        assertThat(credential.format()).matches("SCRAM-SHA-256\\$4096:[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+");

        Path file = dir.resolve("creds");
        ScramCredentialsFile.setPassword(file, "alice", "one".toCharArray(), true);
        ScramCredentialsFile.setPassword(file, "bob", "two".toCharArray(), false);
        ScramCredentialsFile.setPassword(file, "alice", "three".toCharArray(), false);
        ScramCredentialsFile parsed = ScramCredentialsFile.parse(file, Files.readAllBytes(file));

        assertThat(Files.readAllLines(file)).hasSize(2);
        assertThat(parsed.size()).isEqualTo(2);
        ScramCredential alice = parsed.credential("alice");
        assertThat(ScramCredential.derive("three".getBytes(StandardCharsets.UTF_8), alice.salt(), alice.iterations()))
                .isEqualTo(alice);
    }

    @Test
    void fileWithoutAUsableEntryIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("bad"), "alice:$7$101$abc$def\nnot a line\n");

        assertThatThrownBy(() -> ScramAuthenticator.start(file, Duration.ZERO))
                .isInstanceOf(SecurityFileException.class).hasMessageContaining("no usable entry");
    }
}
