package io.starling.broker.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * JSON Web Tokens (RFC 7519) presented as the CONNECT password: signed with HS256, RS256 or ES256, checked against
 * keys from files or a JWKS URL. On when at least one key source is set. The keys of every configured source are
 * used together.
 *
 * @param secretFile          a file holding the HMAC secret for HS256 (its bytes, trailing line breaks and spaces
 *                            removed; at least 32 bytes). Default empty: none.
 * @param publicKeyFile       a PEM file of RSA or EC (P-256) public keys ({@code BEGIN PUBLIC KEY}) or certificates
 *                            ({@code BEGIN CERTIFICATE}) for RS256 and ES256. Default empty: none.
 * @param jwksFile            a JSON Web Key Set file (RFC 7517). Default empty: none.
 * @param jwksUrl             an {@code https://} (or {@code http://}) URL serving a JSON Web Key Set, fetched in the
 *                            background and cached. Default empty: none.
 * @param jwksRefreshInterval how long a fetched key set is used before it is fetched again; a token naming an
 *                            unknown key ({@code kid}) triggers an earlier fetch, at most every 30 s. Default 5 min.
 * @param timeout             the longest wait for the JWKS URL to answer. Default 5 s.
 * @param algorithms          the signature algorithms accepted, among HS256, RS256 and ES256; each also needs a key
 *                            of its type. Default all three.
 * @param issuer              when set, the {@code iss} claim must equal it. Default empty: not checked.
 * @param audience            when set, the {@code aud} claim must contain it. Default empty: not checked.
 * @param usernameClaim       the claim whose (text) value becomes the client's user name. Default {@code sub}.
 * @param requireExpiry       whether tokens without an {@code exp} claim are refused. Default true.
 * @param clockSkew           tolerance on {@code exp} and {@code nbf} for clocks that differ. Default 30 s.
 * @param publishClaim        when set, the claim listing the topic filters the client may publish to; with it (or
 *                            {@code subscribeClaim}) set, token clients get exactly the topic rights their token
 *                            lists. Default empty: topic rights come from the ACL file.
 * @param subscribeClaim      when set, the claim listing the topic filters the client may subscribe to. Default
 *                            empty.
 */
public record JwtConfig(String secretFile, String publicKeyFile, String jwksFile, String jwksUrl,
                        Duration jwksRefreshInterval, Duration timeout, List<String> algorithms, String issuer,
                        String audience, String usernameClaim, boolean requireExpiry, Duration clockSkew,
                        String publishClaim, String subscribeClaim) {
    /** The algorithms Starling verifies, also the default of {@code algorithms}. */
    public static final List<String> SUPPORTED_ALGORITHMS = List.of("HS256", "RS256", "ES256");

    public static final JwtConfig DEFAULT = new JwtConfig("", "", "", "", Duration.ofMinutes(5),
            Duration.ofSeconds(5), SUPPORTED_ALGORITHMS, "", "", "sub", true, Duration.ofSeconds(30), "", "");

    public JwtConfig {
        secretFile = SecurityValues.text(secretFile);
        publicKeyFile = SecurityValues.text(publicKeyFile);
        jwksFile = SecurityValues.text(jwksFile);
        jwksUrl = SecurityValues.text(jwksUrl);
        issuer = SecurityValues.text(issuer);
        audience = SecurityValues.text(audience);
        usernameClaim = SecurityValues.text(usernameClaim);
        publishClaim = SecurityValues.text(publishClaim);
        subscribeClaim = SecurityValues.text(subscribeClaim);
        jwksRefreshInterval = SecurityValues.positive(jwksRefreshInterval, "security.jwt.jwks-refresh-interval");
        timeout = SecurityValues.positive(timeout, "security.jwt.timeout");
        clockSkew = SecurityValues.notNegative(clockSkew, "security.jwt.clock-skew");
        algorithms = List.copyOf(Objects.requireNonNullElse(algorithms, SUPPORTED_ALGORITHMS));
        if (algorithms.isEmpty()) {
            throw new IllegalArgumentException("security.jwt.algorithms must name at least one of HS256, RS256, ES256");
        }
        for (String algorithm : algorithms) {
            if (!SUPPORTED_ALGORITHMS.contains(algorithm)) {
                throw new IllegalArgumentException("security.jwt.algorithms: unsupported algorithm '" + algorithm
                        + "' (supported: HS256, RS256, ES256)");
            }
        }
        if (usernameClaim.isEmpty()) {
            throw new IllegalArgumentException("security.jwt.username-claim must not be empty");
        }
        if (!jwksUrl.isEmpty() && !jwksUrl.startsWith("https://") && !jwksUrl.startsWith("http://")) {
            throw new IllegalArgumentException("security.jwt.jwks-url must be an https:// or http:// URL: " + jwksUrl);
        }
    }

    /** Whether JWT authentication is on: at least one key source is set. */
    public boolean enabled() {
        return !secretFile.isEmpty() || !publicKeyFile.isEmpty() || !jwksFile.isEmpty() || !jwksUrl.isEmpty();
    }

    /** Whether token clients get their topic rights from their claims. */
    public boolean claimsGrantTopics() {
        return !publishClaim.isEmpty() || !subscribeClaim.isEmpty();
    }
}
