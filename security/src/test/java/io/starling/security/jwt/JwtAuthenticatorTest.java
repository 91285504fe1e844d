package io.starling.security.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import io.starling.broker.spi.AuthenticationRequest;
import io.starling.broker.spi.AuthenticationResult;
import io.starling.codec.MqttVersion;
import io.starling.codec.ReasonCode;
import io.starling.security.ClaimsAuthorizer;
import io.starling.security.SecurityFileException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JwtAuthenticatorTest {
    private static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static TestKeys keys;
    private static TestKeys otherKeys;

    @TempDir
    Path dir;
    private JwtAuthenticator authenticator;

    @BeforeAll
    static void makeKeys() {
        keys = TestKeys.generate();
        otherKeys = TestKeys.generate();
    }

    @AfterEach
    void close() {
        if (authenticator != null) {
            authenticator.close();
        }
    }

    private Path secretFile() throws Exception {
        // An editor's final newline is not part of the secret.
        byte[] content = new byte[keys.secret.length + 1];
        System.arraycopy(keys.secret, 0, content, 0, keys.secret.length);
        content[keys.secret.length] = '\n';
        return Files.write(dir.resolve("secret"), content);
    }

    private Path pemFile() throws Exception {
        return Files.writeString(dir.resolve("keys.pem"), keys.publicKeysPem());
    }

    private JwtAuthenticator start(JwtAuthenticator.Options options) {
        authenticator = JwtAuthenticator.start(options, CLOCK);
        return authenticator;
    }

    /** Every key source: secret, PEM public keys. */
    private JwtAuthenticator startWithAllKeys() throws Exception {
        return start(new JwtAuthenticator.Options(secretFile(), pemFile(), null, null, Duration.ofMinutes(5),
                Duration.ofSeconds(5), Set.of("HS256", "RS256", "ES256"), null, null, "sub", true,
                Duration.ofSeconds(30), null, null, Duration.ZERO, 1, 16));
    }

    static AuthenticationResult authenticate(JwtAuthenticator authenticator, String token) throws Exception {
        return authenticator.authenticate(new AuthenticationRequest("client-1", "anything",
                token == null ? null : token.getBytes(StandardCharsets.UTF_8), MqttVersion.MQTT_5, null, "default"))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static JWTClaimsSet valid(String subject) {
        return TestKeys.claims(subject, NOW.plusSeconds(600)).build();
    }

    private static void assertRefused(AuthenticationResult result, ReasonCode code) {
        assertThat(result).isInstanceOf(AuthenticationResult.Refused.class);
        assertThat(((AuthenticationResult.Refused) result).reasonCode()).isEqualTo(code);
    }

    /** Refused with 0x86, for the reason given (the reason goes to the log, never to the client). */
    private static void assertRefusedBecause(AuthenticationResult result, String why) {
        assertRefused(result, ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(((AuthenticationResult.Refused) result).reason()).containsIgnoringCase(why);
    }

    @Test
    void acceptsHs256Rs256AndEs256TokensSignedByTheConfiguredKeys() throws Exception {
        JwtAuthenticator jwt = startWithAllKeys();

        assertThat(authenticate(jwt, keys.hs256(valid("alice")))).isInstanceOfSatisfying(
                AuthenticationResult.Accepted.class, accepted -> assertThat(accepted.username()).isEqualTo("alice"));
        assertThat(authenticate(jwt, keys.rs256(valid("bob")))).isInstanceOfSatisfying(
                AuthenticationResult.Accepted.class, accepted -> assertThat(accepted.username()).isEqualTo("bob"));
        assertThat(authenticate(jwt, keys.es256(valid("carol")))).isInstanceOfSatisfying(
                AuthenticationResult.Accepted.class, accepted -> assertThat(accepted.username()).isEqualTo("carol"));
    }

    @Test
    void tokenSignedByAnotherKeyIsRefused() throws Exception {
        JwtAuthenticator jwt = startWithAllKeys();

        assertRefusedBecause(authenticate(jwt, otherKeys.rs256(valid("alice"))), "invalid signature");
        assertRefusedBecause(authenticate(jwt, otherKeys.es256(valid("alice"))), "invalid signature");
        assertRefusedBecause(authenticate(jwt, otherKeys.hs256(valid("alice"))), "invalid signature");
    }

    @Test
    void tamperedPayloadIsRefused() throws Exception {
        JwtAuthenticator jwt = startWithAllKeys();
        String token = keys.rs256(valid("alice"));
        String[] parts = token.split("\\.");
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(
                valid("admin").toString().getBytes(StandardCharsets.UTF_8));

        assertRefusedBecause(authenticate(jwt, parts[0] + "." + forged + "." + parts[2]), "invalid signature");
    }

    @Test
    void expiredTokenIsRefusedButOneWithinTheClockSkewIsAccepted() throws Exception {
        JwtAuthenticator jwt = startWithAllKeys(); // 30 s skew

        assertRefusedBecause(authenticate(jwt, keys.rs256(TestKeys.claims("alice", NOW.minusSeconds(31)).build())),
                "expired");
        assertThat(authenticate(jwt, keys.rs256(TestKeys.claims("alice", NOW.minusSeconds(10)).build())))
                .isInstanceOf(AuthenticationResult.Accepted.class);
    }

    @Test
    void notYetValidTokenIsRefused() throws Exception {
        JwtAuthenticator jwt = startWithAllKeys();
        JWTClaimsSet later = TestKeys.claims("alice", NOW.plusSeconds(3600)).notBeforeTime(Date.from(NOW.plusSeconds(60)))
                .build();
        JWTClaimsSet justAboutValid = TestKeys.claims("alice", NOW.plusSeconds(3600))
                .notBeforeTime(Date.from(NOW.plusSeconds(20))).build();

        assertRefusedBecause(authenticate(jwt, keys.es256(later)), "before use time");
        assertThat(authenticate(jwt, keys.es256(justAboutValid))).isInstanceOf(AuthenticationResult.Accepted.class);
    }

    @Test
    void unsignedTokenWithAlgNoneIsRefused() throws Exception {
        JwtAuthenticator jwt = startWithAllKeys();
        String unsigned = new PlainJWT(valid("alice")).serialize();
        // The same claims with a hand-made {"alg":"none"} header and an empty signature.
        String handMade = base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "."
                + base64Url(valid("alice").toString()) + ".";

        assertRefused(authenticate(jwt, unsigned), ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertRefused(authenticate(jwt, handMade), ReasonCode.BAD_USER_NAME_OR_PASSWORD);
    }

    @Test
    void keyOfTheWrongTypeForTheAlgorithmIsNeverUsed() throws Exception {
        // Only the RSA and EC public keys: the classic confusion signs HS256 with the public key's bytes as secret.
        JwtAuthenticator jwt = start(JwtAuthenticator.Options.withPublicKeyFile(pemFile()).withAlgorithms(
                Set.of("HS256", "RS256", "ES256")));
        String confused = TestKeys.sign(JWSAlgorithm.HS256, null, valid("admin"),
                TestKeys.macSigner(keys.rsa.getPublic().getEncoded()));
        String pemAsSecret = TestKeys.sign(JWSAlgorithm.HS256, null, valid("admin"),
                TestKeys.macSigner(keys.publicKeysPem().getBytes(StandardCharsets.US_ASCII)));

        assertRefusedBecause(authenticate(jwt, confused), "no matching key");
        assertRefusedBecause(authenticate(jwt, pemAsSecret), "no matching key");
        assertThat(authenticate(jwt, keys.rs256(valid("alice")))).isInstanceOf(AuthenticationResult.Accepted.class);
    }

    @Test
    void tokenOfAnAlgorithmNotAcceptedIsRefusedEvenWithTheRightKey() throws Exception {
        JwtAuthenticator jwt = start(JwtAuthenticator.Options.withPublicKeyFile(pemFile())
                .withAlgorithms(Set.of("ES256")));

        assertRefusedBecause(authenticate(jwt, keys.rs256(valid("alice"))), "no matching key");
        assertThat(authenticate(jwt, keys.es256(valid("alice")))).isInstanceOf(AuthenticationResult.Accepted.class);
    }

    @Test
    void rsTokenWithOnlyAnHmacSecretConfiguredIsRefused() throws Exception {
        JwtAuthenticator jwt = start(JwtAuthenticator.Options.withSecretFile(secretFile()));

        assertRefusedBecause(authenticate(jwt, keys.rs256(valid("alice"))), "no matching key");
        assertThat(authenticate(jwt, keys.hs256(valid("alice")))).isInstanceOf(AuthenticationResult.Accepted.class);
    }

    @Test
    void passwordsThatAreNotSignedJwtsAreRefusedAtOnce() throws Exception {
        JwtAuthenticator jwt = startWithAllKeys();

        assertRefused(authenticate(jwt, null), ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertRefused(authenticate(jwt, ""), ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertRefused(authenticate(jwt, "s3cret"), ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertRefused(authenticate(jwt, "a.b.c"), ReasonCode.BAD_USER_NAME_OR_PASSWORD);
    }

    @Test
    void expiryIsRequiredUnlessConfiguredOtherwise() throws Exception {
        JWTClaimsSet forever = new JWTClaimsSet.Builder().subject("alice").build();
        JwtAuthenticator strict = start(JwtAuthenticator.Options.withSecretFile(secretFile()));
        assertRefused(authenticate(strict, keys.hs256(forever)), ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        strict.close();

        JwtAuthenticator lenient = start(JwtAuthenticator.Options.withSecretFile(secretFile())
                .withClaimChecks(null, null, false, Duration.ofSeconds(30)));
        assertThat(authenticate(lenient, keys.hs256(forever))).isInstanceOfSatisfying(
                AuthenticationResult.Accepted.class, accepted -> assertThat(accepted.expiresAt()).isNull());
    }

    @Test
    void issuerAndAudienceAreCheckedWhenConfigured() throws Exception {
        JwtAuthenticator jwt = start(JwtAuthenticator.Options.withSecretFile(secretFile())
                .withClaimChecks("https://issuer.example", "mqtt", true, Duration.ZERO));
        JWTClaimsSet.Builder base = TestKeys.claims("alice", NOW.plusSeconds(60));

        assertThat(authenticate(jwt, keys.hs256(base.issuer("https://issuer.example").audience(List.of("web", "mqtt"))
                .build()))).isInstanceOf(AuthenticationResult.Accepted.class);
        assertRefused(authenticate(jwt, keys.hs256(base.issuer("https://evil.example").audience("mqtt").build())),
                ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertRefused(authenticate(jwt, keys.hs256(base.issuer("https://issuer.example").audience("web").build())),
                ReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertRefused(authenticate(jwt, keys.hs256(TestKeys.claims("alice", NOW.plusSeconds(60)).build())),
                ReasonCode.BAD_USER_NAME_OR_PASSWORD);
    }

    @Test
    void configuredClaimBecomesTheUserNameAndClaimsBecomeAttributes() throws Exception {
        JwtAuthenticator jwt = start(JwtAuthenticator.Options.withSecretFile(secretFile())
                .withClaimMapping("preferred_username", "pub", "sub_topics"));
        JWTClaimsSet claims = TestKeys.claims("0b5e-user-id", NOW.plusSeconds(600))
                .claim("preferred_username", "alice")
                .claim("pub", List.of("sensors/alice/#", "bad/#/filter"))
                .claim("sub_topics", "commands/alice")
                .claim("roles", List.of("reader", "writer"))
                .claim("nested", java.util.Map.of("a", 1))
                .build();

        AuthenticationResult result = authenticate(jwt, keys.hs256(claims));

        assertThat(result).isInstanceOfSatisfying(AuthenticationResult.Accepted.class, accepted -> {
            assertThat(accepted.username()).isEqualTo("alice");
            assertThat(accepted.attributes()).containsEntry("jwt.sub", List.of("0b5e-user-id"))
                    .containsEntry("jwt.roles", List.of("reader", "writer"))
                    .containsEntry("jwt.exp", List.of(Long.toString(NOW.plusSeconds(600).getEpochSecond())))
                    .containsEntry(ClaimsAuthorizer.PUBLISH, List.of("sensors/alice/#"))
                    .containsEntry(ClaimsAuthorizer.SUBSCRIBE, List.of("commands/alice"))
                    .doesNotContainKey("jwt.nested");
        });
    }

    @Test
    void tokenWithoutTheTopicClaimsGetsEmptyRightsNotNone() throws Exception {
        JwtAuthenticator jwt = start(JwtAuthenticator.Options.withSecretFile(secretFile())
                .withClaimMapping("sub", "pub", null));

        AuthenticationResult result = authenticate(jwt, keys.hs256(valid("alice")));

        assertThat(((AuthenticationResult.Accepted) result).attributes())
                .containsEntry(ClaimsAuthorizer.PUBLISH, List.of()).doesNotContainKey(ClaimsAuthorizer.SUBSCRIBE);
    }

    @Test
    void tokenWithoutATextUserNameClaimIsRefused() throws Exception {
        JwtAuthenticator jwt = start(JwtAuthenticator.Options.withSecretFile(secretFile()));
        JWTClaimsSet noSubject = new JWTClaimsSet.Builder().expirationTime(Date.from(NOW.plusSeconds(60))).build();

        assertRefused(authenticate(jwt, keys.hs256(noSubject)), ReasonCode.BAD_USER_NAME_OR_PASSWORD);
    }

    @Test
    void connectionExpiryIsTheTokenExpiryPlusTheClockSkew() throws Exception {
        JwtAuthenticator jwt = start(JwtAuthenticator.Options.withSecretFile(secretFile())
                .withClaimChecks(null, null, true, Duration.ofSeconds(5)));
        Instant exp = NOW.plusSeconds(120);

        AuthenticationResult result = authenticate(jwt, keys.hs256(TestKeys.claims("alice", exp).build()));

        assertThat(((AuthenticationResult.Accepted) result).expiresAt()).isEqualTo(exp.plusSeconds(5));
    }

    @Test
    void jwksFileKeysAreChosenByKeyId() throws Exception {
        Path jwks = Files.writeString(dir.resolve("jwks.json"), keys.publicJwks("rsa-1", "ec-1").toString());
        JwtAuthenticator jwt = start(JwtAuthenticator.Options.withJwksFile(jwks));

        assertThat(authenticate(jwt, keys.rs256("rsa-1", valid("alice")))).isInstanceOf(AuthenticationResult.Accepted.class);
        assertThat(authenticate(jwt, keys.es256("ec-1", valid("alice")))).isInstanceOf(AuthenticationResult.Accepted.class);
        assertRefusedBecause(authenticate(jwt, keys.rs256("rsa-2", valid("alice"))), "no matching key");
    }

    @Test
    void pemCertificateServesForTheKeyItCertifies() throws Exception {
        // A self-signed certificate made by the JDK's keytool, as an issuer's certificate would be handed over.
        Path store = dir.resolve("issuer.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "issuer", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=issuer",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit")
                .redirectErrorStream(true).start();
        keytool.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).isZero();
        java.security.KeyStore keyStore = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            keyStore.load(in, "changeit".toCharArray());
        }
        java.security.cert.Certificate certificate = keyStore.getCertificate("issuer");
        Path pem = Files.writeString(dir.resolve("issuer.pem"), "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        var signer = new com.nimbusds.jose.crypto.ECDSASigner(
                (java.security.interfaces.ECPrivateKey) keyStore.getKey("issuer", "changeit".toCharArray()));
        JwtAuthenticator jwt = start(JwtAuthenticator.Options.withPublicKeyFile(pem));

        assertThat(authenticate(jwt, TestKeys.sign(JWSAlgorithm.ES256, "any-kid", valid("alice"), signer)))
                .isInstanceOf(AuthenticationResult.Accepted.class);
        assertRefusedBecause(authenticate(jwt, keys.es256(valid("alice"))), "invalid signature");
    }

    @Test
    void pemBlockThatIsNoCertificateStopsTheStart() throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.pem"),
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");

        assertThatThrownBy(() -> JwtAuthenticator.start(JwtAuthenticator.Options.withPublicKeyFile(broken), CLOCK))
                .isInstanceOf(SecurityFileException.class).hasMessageContaining("broken.pem");
    }

    @Test
    void unusableKeyFilesStopTheStartWithAClearMessage() throws Exception {
        Path shortSecret = Files.writeString(dir.resolve("short"), "too short\n");
        Path emptyPem = Files.writeString(dir.resolve("empty.pem"), "no keys here\n");

        assertThatThrownBy(() -> JwtAuthenticator.start(JwtAuthenticator.Options.withSecretFile(shortSecret), CLOCK))
                .isInstanceOf(SecurityFileException.class).hasMessageContaining("at least 32");
        assertThatThrownBy(() -> JwtAuthenticator.start(JwtAuthenticator.Options.withPublicKeyFile(emptyPem), CLOCK))
                .isInstanceOf(SecurityFileException.class).hasMessageContaining("no PEM");
        assertThatThrownBy(() -> JwtAuthenticator.start(
                JwtAuthenticator.Options.withSecretFile(dir.resolve("missing")), CLOCK))
                .isInstanceOf(SecurityFileException.class).hasMessageContaining("missing");
    }

    private static String base64Url(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
