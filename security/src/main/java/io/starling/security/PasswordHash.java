package io.starling.security;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One password hash in Mosquitto's password-file notation. Two formats are read:
 * <ul>
 *   <li>{@code $7$<iterations>$<base64 salt>$<base64 hash>}: PBKDF2-HMAC-SHA512, what {@code mosquitto_passwd}
 *       writes since Mosquitto 2.0 (and what {@link PasswdTool} writes);</li>
 *   <li>{@code $6$<base64 salt>$<base64 hash>}: one SHA-512 of password then salt, Mosquitto 1.6 and earlier
 *       (read for migration, never written).</li>
 * </ul>
 * As in Mosquitto, the salt is 12 bytes and the hash 64 bytes; anything else is not a valid entry.
 */
public sealed interface PasswordHash {

    /** Salt length Mosquitto writes and requires. */
    int SALT_LENGTH = 12;
    /** SHA-512 output length. */
    int HASH_LENGTH = 64;
    /** Iterations {@code mosquitto_passwd} 2.0.x uses for {@code $7$} (PW_DEFAULT_ITERATIONS); kept for compatibility. */
    int DEFAULT_ITERATIONS = 101;

    /** Whether {@code password} (the raw bytes of the CONNECT password) hashes to this value; constant time. */
    boolean matches(byte[] password);

    /** The notation written after {@code user:} in a password file. */
    String format();

    /** PBKDF2-HMAC-SHA512 ({@code $7$}). */
    record Pbkdf2Sha512(int iterations, byte[] salt, byte[] hash) implements PasswordHash {
        public Pbkdf2Sha512 {
            if (iterations < 1) {
                throw new IllegalArgumentException("iterations must be at least 1: " + iterations);
            }
            salt = salt.clone();
            hash = hash.clone();
        }

        @Override
        public byte[] salt() {
            return salt.clone();
        }

        @Override
        public byte[] hash() {
            return hash.clone();
        }

        @Override
        public boolean matches(byte[] password) {
            return MessageDigest.isEqual(pbkdf2HmacSha512(password, salt, iterations), hash);
        }

        @Override
        public String format() {
            Base64.Encoder base64 = Base64.getEncoder();
            return "$7$" + iterations + "$" + base64.encodeToString(salt) + "$" + base64.encodeToString(hash);
        }

        @Override
        public String toString() {
            return "Pbkdf2Sha512[iterations=" + iterations + "]"; // never print hashes in logs
        }
    }

    /** Salted SHA-512 ({@code $6$}), read only. */
    record SaltedSha512(byte[] salt, byte[] hash) implements PasswordHash {
        public SaltedSha512 {
            salt = salt.clone();
            hash = hash.clone();
        }

        @Override
        public byte[] salt() {
            return salt.clone();
        }

        @Override
        public byte[] hash() {
            return hash.clone();
        }

        @Override
        public boolean matches(byte[] password) {
            MessageDigest sha512 = sha512();
            sha512.update(password);
            sha512.update(salt);
            return MessageDigest.isEqual(sha512.digest(), hash);
        }

        @Override
        public String format() {
            Base64.Encoder base64 = Base64.getEncoder();
            return "$6$" + base64.encodeToString(salt) + "$" + base64.encodeToString(hash);
        }

        @Override
        public String toString() {
            return "SaltedSha512[]";
        }
    }

    /** A new {@code $7$} hash of {@code password} with a fresh random 12-byte salt. */
    static Pbkdf2Sha512 create(byte[] password, int iterations, SecureRandom random) {
        byte[] salt = new byte[SALT_LENGTH];
        random.nextBytes(salt);
        return new Pbkdf2Sha512(iterations, salt, pbkdf2HmacSha512(password, salt, iterations));
    }

    /**
     * Parses the part after {@code user:}. Like Mosquitto (which splits with strtok), empty fields between '$'
     * signs are ignored.
     *
     * @throws IllegalArgumentException with a message fit for an operator, when the text is not a valid hash
     */
    static PasswordHash parse(String text) {
        List<String> fields = new ArrayList<>();
        for (String field : text.split("\\$")) {
            if (!field.isEmpty()) {
                fields.add(field);
            }
        }
        if (fields.isEmpty() || !text.startsWith("$")) {
            throw new IllegalArgumentException("not a password hash (plain-text passwords are not accepted; "
                    + "hash the file with `starling passwd -U`)");
        }
        String type = fields.get(0);
        switch (type) {
            case "7" -> {
                if (fields.size() != 4) {
                    throw new IllegalArgumentException("a $7$ hash has the form $7$<iterations>$<salt>$<hash>");
                }
                int iterations = parseIterations(fields.get(1));
                return new Pbkdf2Sha512(iterations, decode(fields.get(2), SALT_LENGTH, "salt"),
                        decode(fields.get(3), HASH_LENGTH, "hash"));
            }
            case "6" -> {
                if (fields.size() != 3) {
                    throw new IllegalArgumentException("a $6$ hash has the form $6$<salt>$<hash>");
                }
                return new SaltedSha512(decode(fields.get(1), SALT_LENGTH, "salt"),
                        decode(fields.get(2), HASH_LENGTH, "hash"));
            }
            default -> throw new IllegalArgumentException("unsupported hash type $" + type
                    + "$ (supported: $7$ PBKDF2-SHA512 and $6$ SHA512)");
        }
    }

    private static int parseIterations(String text) {
        if (text.isEmpty() || text.length() > 10 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("invalid iteration count '" + text + "'");
        }
        long iterations = Long.parseLong(text);
        if (iterations < 1 || iterations > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("invalid iteration count " + text);
        }
        return (int) iterations;
    }

    private static byte[] decode(String base64, int expectedLength, String what) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the " + what + " is not valid base64");
        }
        if (bytes.length != expectedLength) {
            throw new IllegalArgumentException("the " + what + " is " + bytes.length + " bytes, not " + expectedLength);
        }
        return bytes;
    }

    /**
     * PBKDF2 (RFC 8018 section 5.2) with HMAC-SHA512 and a 64-byte output: a single block, so
     * T1 = U1 ^ U2 ^ ... ^ Uc with U1 = HMAC(P, S || INT(1)) and Ui = HMAC(P, Ui-1). Written here rather than taken
     * from the JDK's PBKDF2WithHmacSHA512 because that one takes the password as chars, and an MQTT password is
     * arbitrary bytes.
     */
    static byte[] pbkdf2HmacSha512(byte[] password, byte[] salt, int iterations) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA512");
            // SecretKeySpec refuses an empty key. HMAC pads the key with zero bytes to the block size, so an empty
            // key and a single zero byte are the same key: an empty password still hashes as Mosquitto does.
            byte[] key = password.length == 0 ? new byte[1] : password;
            hmac.init(new SecretKeySpec(key, "HmacSHA512"));
            hmac.update(salt);
            hmac.update(new byte[] {0, 0, 0, 1});
            byte[] u = hmac.doFinal();
            byte[] result = u.clone();
            for (int i = 1; i < iterations; i++) {
                u = hmac.doFinal(u);
                for (int j = 0; j < result.length; j++) {
                    result[j] ^= u[j];
                }
            }
            return result;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA512 is not available in this JVM", e);
        }
    }

    private static MessageDigest sha512() {
        try {
            return MessageDigest.getInstance("SHA-512");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-512 is not available in this JVM", e);
        }
    }
}
