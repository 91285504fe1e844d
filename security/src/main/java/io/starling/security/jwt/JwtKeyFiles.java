package io.starling.security.jwt;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import io.starling.security.SecurityFileException;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers for the key files of {@link JwtAuthenticator}, each giving a {@link JWKSet} (the form Nimbus selects keys
 * from), for {@link io.starling.security.ReloadingFile}. A file that cannot be used throws
 * {@link SecurityFileException}, whose message names the file and the problem.
 */
final class JwtKeyFiles {
    /** HS256 needs a key at least as long as its output (RFC 7518 section 3.2): 256 bits. */
    static final int MINIMUM_SECRET_BYTES = 32;
    private static final Pattern PEM_BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

    private JwtKeyFiles() {
    }

    /**
     * An HMAC secret: the file's bytes, trailing line breaks, spaces and tabs removed (so that an editor's final
     * newline does not change the key). At least {@value #MINIMUM_SECRET_BYTES} bytes.
     */
    static JWKSet secret(Path file, byte[] content) {
        int end = content.length;
        while (end > 0 && (content[end - 1] == '\n' || content[end - 1] == '\r' || content[end - 1] == ' '
                || content[end - 1] == '\t')) {
            end--;
        }
        if (end < MINIMUM_SECRET_BYTES) {
            throw new SecurityFileException(file, "JWT secret file " + file + " holds " + end
                    + " bytes; HS256 needs at least " + MINIMUM_SECRET_BYTES, List.of());
        }
        byte[] secret = java.util.Arrays.copyOf(content, end);
        return new JWKSet(new OctetSequenceKey.Builder(secret).build());
    }

    /** RSA and EC public keys from PEM {@code PUBLIC KEY} and {@code CERTIFICATE} blocks. */
    static JWKSet publicKeys(Path file, byte[] content) {
        String text = new String(content, StandardCharsets.US_ASCII);
        List<JWK> keys = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Matcher block = PEM_BLOCK.matcher(text);
        int index = 0;
        while (block.find()) {
            index++;
            String type = block.group(1);
            try {
                byte[] der = Base64.getMimeDecoder().decode(block.group(2));
                PublicKey key = switch (type) {
                    case "PUBLIC KEY" -> publicKey(der);
                    case "CERTIFICATE" -> CertificateFactory.getInstance("X.509")
                            .generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
                    default -> throw new GeneralSecurityException("unsupported PEM block '" + type
                            + "' (expected PUBLIC KEY or CERTIFICATE)");
                };
                keys.add(toJwk(key));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                problems.add(file + ": PEM block " + index + " (" + type + "): " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new SecurityFileException(file, "invalid JWT public key file " + file, problems);
        }
        if (keys.isEmpty()) {
            throw new SecurityFileException(file, "JWT public key file " + file
                    + " holds no PEM PUBLIC KEY or CERTIFICATE block", List.of());
        }
        return new JWKSet(keys);
    }

    /** A JSON Web Key Set (RFC 7517 section 5). */
    static JWKSet jwks(Path file, byte[] content) {
        JWKSet set = parseJwks(new String(content, StandardCharsets.UTF_8), file.toString());
        if (set.isEmpty()) {
            throw new SecurityFileException(file, "JWKS file " + file + " holds no key", List.of());
        }
        return set;
    }

    /** Parses a JWK set; the message of the exception names {@code source}. */
    static JWKSet parseJwks(String json, String source) {
        try {
            return JWKSet.parse(json);
        } catch (ParseException e) {
            throw new SecurityFileException(null, "invalid JSON Web Key Set from " + source + ": " + e.getMessage(),
                    List.of(), e);
        }
    }

    private static PublicKey publicKey(byte[] der) throws GeneralSecurityException {
        X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
        GeneralSecurityException failure = null;
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(spec);
            } catch (GeneralSecurityException e) {
                failure = e;
            }
        }
        throw new GeneralSecurityException("neither an RSA nor an EC public key", failure);
    }

    private static JWK toJwk(PublicKey key) throws GeneralSecurityException {
        if (key instanceof RSAPublicKey rsa) {
            return new RSAKey.Builder(rsa).build();
        }
        if (key instanceof ECPublicKey ec) {
            Curve curve = Curve.forECParameterSpec(ec.getParams());
            if (curve == null) {
                throw new GeneralSecurityException("EC key on an unknown curve");
            }
            return new ECKey.Builder(curve, ec).build();
        }
        throw new GeneralSecurityException("unsupported key type " + key.getAlgorithm() + " (expected RSA or EC)");
    }
}
