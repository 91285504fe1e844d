package io.starling.security.scram;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What the server keeps of a SCRAM-SHA-256 password (RFC 5802 section 3, RFC 7677): salt, iteration count,
 * {@code StoredKey = H(HMAC(SaltedPassword, "Client Key"))} and {@code ServerKey = HMAC(SaltedPassword, "Server Key")},
 * with {@code SaltedPassword = PBKDF2-HMAC-SHA-256(password, salt, iterations)}. Neither key lets anyone log in: a
 * client must prove it knows {@code ClientKey}, which only the password gives.
 *
 * <p>Text form, as PostgreSQL stores it ({@code pg_authid.rolpassword}):
 * {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>}, each value in standard base64.
 *
 * <p>The password is used as its UTF-8 bytes; SASLprep (RFC 4013) is not applied, so clients must not apply it
 * either (it changes nothing for ASCII passwords).
 */
public record ScramCredential(byte[] salt, int iterations, byte[] storedKey, byte[] serverKey) {
    public static final String PREFIX = "SCRAM-SHA-256$";
    /** RFC 7677 section 4: at least 4096. */
    public static final int DEFAULT_ITERATIONS = 4096;
    static final int SALT_BYTES = 16;
    private static final int KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    public ScramCredential {
        if (salt.length == 0 || iterations < 1 || storedKey.length != KEY_BYTES || serverKey.length != KEY_BYTES) {
            throw new IllegalArgumentException("invalid SCRAM-SHA-256 credential");
        }
        salt = salt.clone();
        storedKey = storedKey.clone();
        serverKey = serverKey.clone();
    }

    /** A credential for {@code password} with a fresh random salt. */
    public static ScramCredential create(byte[] password, int iterations) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return derive(password, salt, iterations);
    }

    /** The credential for {@code password} with the given salt and iteration count. */
    public static ScramCredential derive(byte[] password, byte[] salt, int iterations) {
        byte[] salted = saltedPassword(password, salt, iterations);
        try {
            byte[] clientKey = hmac(salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
            return new ScramCredential(salt, iterations, sha256(clientKey),
                    hmac(salted, "Server Key".getBytes(StandardCharsets.US_ASCII)));
        } finally {
            Arrays.fill(salted, (byte) 0);
        }
    }

    /**
     * {@code Hi(password, salt, i)} of RFC 5802 section 2.2: PBKDF2 (RFC 8018) with HMAC-SHA-256 and one output
     * block, computed on the password's bytes as they are.
     */
    public static byte[] saltedPassword(byte[] password, byte[] salt, int iterations) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            // An empty key is not allowed by SecretKeySpec; HMAC pads keys with zeros, so one zero byte is the same.
            mac.init(new SecretKeySpec(password.length == 0 ? new byte[1] : password, "HmacSHA256"));
            mac.update(salt);
            byte[] u = mac.doFinal(new byte[] {0, 0, 0, 1}); // U1 = HMAC(password, salt || INT(1))
            byte[] result = u.clone();
            for (int i = 1; i < iterations; i++) {
                u = mac.doFinal(u); // Ui = HMAC(password, Ui-1)
                for (int j = 0; j < result.length; j++) {
                    result[j] ^= u[j];
                }
            }
            return result;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    /** {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>}. */
    public String format() {
        Base64.Encoder base64 = Base64.getEncoder();
        return PREFIX + iterations + ":" + base64.encodeToString(salt) + "$" + base64.encodeToString(storedKey) + ":"
                + base64.encodeToString(serverKey);
    }

    /** Parses {@link #format()}'s text. */
    public static ScramCredential parse(String text) {
        if (!text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a SCRAM-SHA-256 credential (expected " + PREFIX + "...)");
        }
        String[] halves = text.substring(PREFIX.length()).split("\\$", -1);
        if (halves.length != 2) {
            throw new IllegalArgumentException("expected <iterations>:<salt>$<StoredKey>:<ServerKey>");
        }
        String[] parameters = halves[0].split(":", -1);
        String[] keys = halves[1].split(":", -1);
        if (parameters.length != 2 || keys.length != 2) {
            throw new IllegalArgumentException("expected <iterations>:<salt>$<StoredKey>:<ServerKey>");
        }
        int iterations;
        try {
            iterations = Integer.parseInt(parameters[0]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid iteration count '" + parameters[0] + "'");
        }
        Base64.Decoder base64 = Base64.getDecoder();
        try {
            return new ScramCredential(base64.decode(parameters[1]), iterations, base64.decode(keys[0]),
                    base64.decode(keys[1]));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid base64 or key length: " + e.getMessage());
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ScramCredential that && iterations == that.iterations
                && Arrays.equals(salt, that.salt) && Arrays.equals(storedKey, that.storedKey)
                && Arrays.equals(serverKey, that.serverKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(storedKey);
    }

    @Override
    public String toString() {
        return "ScramCredential[" + iterations + " iterations]";
    }
}
