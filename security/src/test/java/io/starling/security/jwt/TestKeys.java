package io.starling.security.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/** Keys made for the tests, and tokens signed with them. */
public final class TestKeys {
    public final KeyPair rsa;
    public final KeyPair ec;
    public final byte[] secret;

    private TestKeys(KeyPair rsa, KeyPair ec, byte[] secret) {
        this.rsa = rsa;
        this.ec = ec;
        this.secret = secret;
    }

    /** A fresh RSA 2048 pair, EC P-256 pair and 32-byte HMAC secret. */
    public static TestKeys generate() {
        try {
            KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
            rsa.initialize(2048);
            KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
            ec.initialize(new ECGenParameterSpec("secp256r1"));
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            return new TestKeys(rsa.generateKeyPair(), ec.generateKeyPair(), secret);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public keys as PEM {@code PUBLIC KEY} blocks. */
    public String publicKeysPem() {
        return pem(rsa.getPublic().getEncoded()) + pem(ec.getPublic().getEncoded());
    }

    public static String pem(byte[] der) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END PUBLIC KEY-----\n";
    }

    /** The public keys as a JWK set, with key ids. */
    public JWKSet publicJwks(String rsaKid, String ecKid) {
        return new JWKSet(List.of(new RSAKey.Builder((RSAPublicKey) rsa.getPublic()).keyID(rsaKid).build(),
                new ECKey.Builder(Curve.P_256, (ECPublicKey) ec.getPublic()).keyID(ecKid).build()));
    }

    public String hs256(JWTClaimsSet claims) {
        return sign(JWSAlgorithm.HS256, null, claims, macSigner(secret));
    }

    public String rs256(JWTClaimsSet claims) {
        return rs256(null, claims);
    }

    public String rs256(String kid, JWTClaimsSet claims) {
        return sign(JWSAlgorithm.RS256, kid, claims, new RSASSASigner((RSAPrivateKey) rsa.getPrivate()));
    }

    public String es256(JWTClaimsSet claims) {
        return es256(null, claims);
    }

    public String es256(String kid, JWTClaimsSet claims) {
        try {
            return sign(JWSAlgorithm.ES256, kid, claims, new ECDSASigner((ECPrivateKey) ec.getPrivate()));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sign(JWSAlgorithm algorithm, String kid, JWTClaimsSet claims, JWSSigner signer) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(kid).build(), claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static MACSigner macSigner(byte[] secret) {
        try {
            return new MACSigner(secret);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code sub} and an expiry at {@code expiresAt}. */
    public static JWTClaimsSet.Builder claims(String subject, Instant expiresAt) {
        return new JWTClaimsSet.Builder().subject(subject).expirationTime(Date.from(expiresAt));
    }
}
