package io.starling.security.scram;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The client half of SCRAM-SHA-256 (RFC 5802 section 3), written for the tests from the RFC alone: client-first,
 * client-final from the server-first, and the check of the server-final.
 */
public final class ScramClient {
    private final String user;
    private final byte[] password;
    private final String clientNonce;
    private String clientFirstBare;
    private byte[] serverSignature;
    /** The nonce the client sent back in its final message (a test may change it). */
    public String echoedNonce;

    public ScramClient(String user, String password) {
        this(user, password, randomNonce());
    }

    public ScramClient(String user, String password, String clientNonce) {
        this.user = user;
        this.password = password.getBytes(StandardCharsets.UTF_8);
        this.clientNonce = clientNonce;
    }

    private static String randomNonce() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    public String clientFirst() {
        clientFirstBare = "n=" + user.replace("=", "=3D").replace(",", "=2C") + ",r=" + clientNonce;
        return "n,," + clientFirstBare;
    }

    /** The client-final-message for this server-first-message; {@code tamper} flips a bit of the proof. */
    public String clientFinal(String serverFirst, boolean tamper) {
        String nonce = null;
        byte[] salt = null;
        int iterations = 0;
        for (String field : serverFirst.split(",")) {
            if (field.startsWith("r=")) {
                nonce = field.substring(2);
            } else if (field.startsWith("s=")) {
                salt = Base64.getDecoder().decode(field.substring(2));
            } else if (field.startsWith("i=")) {
                iterations = Integer.parseInt(field.substring(2));
            }
        }
        if (nonce == null || !nonce.startsWith(clientNonce)) {
            throw new IllegalStateException("server nonce does not extend the client's: " + serverFirst);
        }
        String sentNonce = echoedNonce != null ? echoedNonce : nonce;
        String withoutProof = "c=biws,r=" + sentNonce;
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
        byte[] salted = ScramCredential.saltedPassword(password, salt, iterations);
        byte[] clientKey = ScramCredential.hmac(salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
        byte[] storedKey = ScramCredential.sha256(clientKey);
        byte[] clientSignature = ScramCredential.hmac(storedKey, authMessage);
        byte[] proof = new byte[clientKey.length];
        for (int i = 0; i < proof.length; i++) {
            proof[i] = (byte) (clientKey[i] ^ clientSignature[i]);
        }
        if (tamper) {
            proof[0] ^= 1;
        }
        byte[] serverKey = ScramCredential.hmac(salted, "Server Key".getBytes(StandardCharsets.US_ASCII));
        serverSignature = ScramCredential.hmac(serverKey, authMessage);
        return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
    }

    /** Whether the server-final-message proves the server knows the credential. */
    public boolean verifyServerFinal(String serverFinal) {
        return serverFinal.startsWith("v=") && MessageDigest.isEqual(serverSignature,
                Base64.getDecoder().decode(serverFinal.substring(2)));
    }
}
