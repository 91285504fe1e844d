package io.starling.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PasswordHashTest {
    private static final Base64.Encoder B64 = Base64.getEncoder();

    /** Our PBKDF2 against the JDK's own implementation (which takes chars, so ASCII passwords only). */
    @ParameterizedTest
    @CsvSource({"secret,1", "secret,2", "secret,101", "a much longer password with spaces,1000", "x,5000"})
    void pbkdf2MatchesTheJdkImplementation(String password, int iterations) throws Exception {
        byte[] salt = new byte[12];
        new SecureRandom().nextBytes(salt);
        SecretKeyFactory jdk = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512");
        byte[] expected = jdk.generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 512)).getEncoded();

        byte[] actual = PasswordHash.pbkdf2HmacSha512(password.getBytes(StandardCharsets.US_ASCII), salt, iterations);

        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void createdHashVerifiesItsPasswordOnly() {
        byte[] password = "s3cr3t".getBytes(StandardCharsets.UTF_8);
        PasswordHash.Pbkdf2Sha512 hash = PasswordHash.create(password, 101, new SecureRandom());

        assertThat(hash.iterations()).isEqualTo(101);
        assertThat(hash.salt()).hasSize(12);
        assertThat(hash.hash()).hasSize(64);
        assertThat(hash.matches(password)).isTrue();
        assertThat(hash.matches("s3cr3T".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(hash.matches(new byte[0])).isFalse();
    }

    @Test
    void emptyPasswordHashesLikeAnyOther() {
        PasswordHash.Pbkdf2Sha512 hash = PasswordHash.create(new byte[0], 101, new SecureRandom());

        assertThat(hash.matches(new byte[0])).isTrue();
        assertThat(hash.matches(new byte[] {0})).isTrue(); // HMAC pads keys with zeros: same key, as in OpenSSL
        assertThat(hash.matches("a".getBytes(StandardCharsets.UTF_8))).isFalse();
    }

    @Test
    void formatAndParseRoundTrip() {
        PasswordHash.Pbkdf2Sha512 hash = PasswordHash.create("pw".getBytes(StandardCharsets.UTF_8), 77,
                new SecureRandom());
        String text = hash.format();

        assertThat(text).matches("\\$7\\$77\\$[A-Za-z0-9+/]{16}\\$[A-Za-z0-9+/]{86}==");
        PasswordHash parsed = PasswordHash.parse(text);
        assertThat(parsed.format()).isEqualTo(text);
        assertThat(parsed.matches("pw".getBytes(StandardCharsets.UTF_8))).isTrue();
    }

    @Test
    void saltedSha512IsShaOfPasswordThenSalt() throws Exception {
        byte[] salt = new byte[12];
        new SecureRandom().nextBytes(salt);
        MessageDigest sha = MessageDigest.getInstance("SHA-512");
        sha.update("old".getBytes(StandardCharsets.UTF_8));
        sha.update(salt);
        String text = "$6$" + B64.encodeToString(salt) + "$" + B64.encodeToString(sha.digest());

        PasswordHash parsed = PasswordHash.parse(text);

        assertThat(parsed).isInstanceOf(PasswordHash.SaltedSha512.class);
        assertThat(parsed.matches("old".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(parsed.matches("new".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(parsed.format()).isEqualTo(text);
    }

    @Test
    void invalidHashesAreRefusedWithAReason() {
        String salt = B64.encodeToString(new byte[12]);
        String hash = B64.encodeToString(new byte[64]);

        assertThatThrownBy(() -> PasswordHash.parse("plaintext")).hasMessageContaining("plain-text");
        assertThatThrownBy(() -> PasswordHash.parse("$8$" + salt + "$" + hash)).hasMessageContaining("$8$");
        assertThatThrownBy(() -> PasswordHash.parse("$7$0$" + salt + "$" + hash)).hasMessageContaining("iteration");
        assertThatThrownBy(() -> PasswordHash.parse("$7$1x$" + salt + "$" + hash)).hasMessageContaining("iteration");
        assertThatThrownBy(() -> PasswordHash.parse("$7$101$" + salt)).hasMessageContaining("$7$<iterations>");
        assertThatThrownBy(() -> PasswordHash.parse("$7$101$" + B64.encodeToString(new byte[11]) + "$" + hash))
                .hasMessageContaining("salt is 11 bytes");
        assertThatThrownBy(() -> PasswordHash.parse("$7$101$" + salt + "$" + B64.encodeToString(new byte[32])))
                .hasMessageContaining("hash is 32 bytes");
        assertThatThrownBy(() -> PasswordHash.parse("$7$101$" + salt + "$!!notbase64!!"))
                .hasMessageContaining("not valid base64");
        assertThatThrownBy(() -> PasswordHash.parse("$6$" + salt)).hasMessageContaining("$6$<salt>$<hash>");
    }

    @Test
    void toStringNeverShowsTheHash() {
        PasswordHash.Pbkdf2Sha512 hash = PasswordHash.create(new byte[] {1}, 101, new SecureRandom());

        assertThat(hash.toString()).doesNotContain(B64.encodeToString(hash.hash()).substring(0, 10));
    }
}
