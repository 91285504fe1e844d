package io.starling.security.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyConverter;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.starling.broker.spi.AuthenticationRequest;
import io.starling.broker.spi.AuthenticationResult;
import io.starling.broker.spi.Authenticator;
import io.starling.codec.ReasonCode;
import io.starling.security.ClaimsAuthorizer;
import io.starling.security.ReloadingFile;
import io.starling.security.WorkerPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.Key;
import java.security.PublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import javax.crypto.SecretKey;

/**
 * A JSON Web Token (RFC 7519) as the CONNECT password. The token must be a JWS (RFC 7515) signed with one of the
 * accepted algorithms (HS256, RS256, ES256) by a configured key; then its claims are checked and mapped:
 *
 * <ul>
 *   <li><b>Signature.</b> Keys come from an HMAC secret file, a PEM file of public keys or certificates, a JWKS file
 *       and/or a JWKS URL ({@link RemoteJwkSet}), all usable together; the files are reloaded when they change. A key
 *       is used only for algorithms of its type: an RSA public key never serves as an HMAC secret (the "algorithm
 *       confusion" attack), HS256 needs an oct secret, ES256 a P-256 key. Unsigned tokens ({@code "alg":"none"}) and
 *       encrypted ones are refused. Keys from a JWKS must match the token's {@code kid} when it has one; the single
 *       keys of the secret and PEM files are tried whatever the {@code kid}.</li>
 *   <li><b>Time.</b> {@code exp} must be in the future and {@code nbf}, if present, in the past, within the clock
 *       skew; {@code exp} is required unless {@link Options#requireExpiry()} is false.</li>
 *   <li><b>Issuer and audience</b>, when configured: {@code iss} must equal the issuer, {@code aud} must contain the
 *       audience.</li>
 *   <li><b>Identity.</b> The user name is the text of the username claim ({@code sub} by default); the CONNECT user
 *       name is ignored (MQTT 3.1.1 clients must send one with a password, [MQTT-3.1.2-22]: any will do).</li>
 *   <li><b>Expiry.</b> The connection lasts until {@code exp} plus the clock skew
 *       ({@link AuthenticationResult.Accepted#expiresAt()}); the broker then closes it.</li>
 *   <li><b>Attributes.</b> Every top-level claim that is text, a number, a boolean or a list of those is handed to
 *       the authorizer as attribute {@code jwt.<claim>}. With a publish or subscribe claim configured, the topic
 *       filters it lists become {@link ClaimsAuthorizer#PUBLISH} / {@link ClaimsAuthorizer#SUBSCRIBE}; such a client
 *       then has exactly those rights, none if the claim is missing.</li>
 * </ul>
 * A password that is not a signed JWT, or fails any check, is refused with 0x86 Bad User Name or Password (MQTT 3.x:
 * return code 4); the reason (expired, bad signature...) goes to the log only. When the keys cannot be had (JWKS URL
 * unreachable and nothing cached), the refusal is 0x88 Server unavailable (return code 3).
 *
 * <p>Signature checks cost CPU, so they run on a small pool of their own, never on the calling network thread; a
 * full queue refuses with 0x89 Server busy.
 */
public final class JwtAuthenticator implements Authenticator, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JwtAuthenticator.class);
    /** The prefix of the attributes holding the token's claims. */
    public static final String CLAIM_ATTRIBUTE_PREFIX = "jwt.";
    static final String REFUSAL_REASON = "invalid token";
    /** The {@code typ} headers accepted: none, {@code JWT}, and OAuth access tokens ({@code at+jwt}, RFC 9068). */
    private static final DefaultJOSEObjectTypeVerifier<SecurityContext> TYPES = new DefaultJOSEObjectTypeVerifier<>(
            JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null);

    /**
     * @param secretFile          HMAC secret for HS256, or null
     * @param publicKeyFile       PEM public keys / certificates for RS256 and ES256, or null
     * @param jwksFile            a JSON Web Key Set file, or null
     * @param jwksUrl             a JSON Web Key Set URL, or null
     * @param jwksRefreshInterval how long a fetched set is used before it is fetched again
     * @param timeout             the longest wait for the JWKS URL
     * @param algorithms          accepted algorithms, among HS256, RS256, ES256
     * @param issuer              required {@code iss}, or null
     * @param audience            required member of {@code aud}, or null
     * @param usernameClaim       the claim giving the user name
     * @param requireExpiry       whether {@code exp} is required
     * @param clockSkew           tolerance on {@code exp} and {@code nbf}
     * @param publishClaim        the claim listing the topic filters the client may publish to, or null
     * @param subscribeClaim      the claim listing the topic filters the client may subscribe to, or null
     * @param reloadInterval      how often the key files are checked for changes; zero: never
     * @param verifierThreads     threads checking signatures
     * @param queueCapacity       checks that may wait; beyond that, 0x89 Server busy
     */
    public record Options(Path secretFile, Path publicKeyFile, Path jwksFile, URI jwksUrl,
                          Duration jwksRefreshInterval, Duration timeout, Set<String> algorithms, String issuer,
                          String audience, String usernameClaim, boolean requireExpiry, Duration clockSkew,
                          String publishClaim, String subscribeClaim, Duration reloadInterval, int verifierThreads,
                          int queueCapacity) {
        public Options {
            algorithms = Set.copyOf(algorithms);
            for (String algorithm : algorithms) {
                if (!Set.of("HS256", "RS256", "ES256").contains(algorithm)) {
                    throw new IllegalArgumentException("unsupported JWT algorithm " + algorithm);
                }
            }
            Objects.requireNonNull(usernameClaim, "usernameClaim");
            Objects.requireNonNull(jwksRefreshInterval, "jwksRefreshInterval");
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(clockSkew, "clockSkew");
            Objects.requireNonNull(reloadInterval, "reloadInterval");
            if (secretFile == null && publicKeyFile == null && jwksFile == null && jwksUrl == null) {
                throw new IllegalArgumentException("JWT authentication needs at least one key source");
            }
            if (verifierThreads < 1 || queueCapacity < 1) {
                throw new IllegalArgumentException("verifierThreads and queueCapacity must be at least 1");
            }
        }

        /** Keys from an HMAC secret file; everything else at its default. */
        public static Options withSecretFile(Path secretFile) {
            return defaults(secretFile, null, null, null);
        }

        /** Keys from a PEM file of public keys or certificates; everything else at its default. */
        public static Options withPublicKeyFile(Path publicKeyFile) {
            return defaults(null, publicKeyFile, null, null);
        }

        /** Keys from a JWKS file; everything else at its default. */
        public static Options withJwksFile(Path jwksFile) {
            return defaults(null, null, jwksFile, null);
        }

        /** Keys from a JWKS URL; everything else at its default. */
        public static Options withJwksUrl(URI jwksUrl) {
            return defaults(null, null, null, jwksUrl);
        }

        private static Options defaults(Path secret, Path pem, Path jwks, URI url) {
            return new Options(secret, pem, jwks, url, Duration.ofMinutes(5), Duration.ofSeconds(5),
                    Set.of("HS256", "RS256", "ES256"), null, null, "sub", true, Duration.ofSeconds(30), null, null,
                    Duration.ofSeconds(5), 2, 1024);
        }

        public Options withClaimChecks(String newIssuer, String newAudience, boolean newRequireExpiry,
                                       Duration newClockSkew) {
            return new Options(secretFile, publicKeyFile, jwksFile, jwksUrl, jwksRefreshInterval, timeout,
                    algorithms, newIssuer, newAudience, usernameClaim, newRequireExpiry, newClockSkew, publishClaim,
                    subscribeClaim, reloadInterval, verifierThreads, queueCapacity);
        }

        public Options withClaimMapping(String newUsernameClaim, String newPublishClaim, String newSubscribeClaim) {
            return new Options(secretFile, publicKeyFile, jwksFile, jwksUrl, jwksRefreshInterval, timeout,
                    algorithms, issuer, audience, newUsernameClaim, requireExpiry, clockSkew, newPublishClaim,
                    newSubscribeClaim, reloadInterval, verifierThreads, queueCapacity);
        }

        public Options withAlgorithms(Set<String> newAlgorithms) {
            return new Options(secretFile, publicKeyFile, jwksFile, jwksUrl, jwksRefreshInterval, timeout,
                    newAlgorithms, issuer, audience, usernameClaim, requireExpiry, clockSkew, publishClaim,
                    subscribeClaim, reloadInterval, verifierThreads, queueCapacity);
        }

        public Options withJwksFetching(Duration newRefreshInterval, Duration newTimeout) {
            return new Options(secretFile, publicKeyFile, jwksFile, jwksUrl, newRefreshInterval, newTimeout,
                    algorithms, issuer, audience, usernameClaim, requireExpiry, clockSkew, publishClaim,
                    subscribeClaim, reloadInterval, verifierThreads, queueCapacity);
        }
    }

    private final Options options;
    /** The secret and PEM files: single keys, tried whatever the token's {@code kid}. */
    private final List<ReloadingFile<JWKSet>> singleKeyFiles;
    /** The JWKS file: keys chosen by {@code kid}. */
    private final ReloadingFile<JWKSet> jwksFile;
    private final RemoteJwkSet remote;
    private final ExecutorService verifiers;
    private final Clock clock;
    private final Set<JWSAlgorithm> algorithms;

    JwtAuthenticator(Options options, List<ReloadingFile<JWKSet>> singleKeyFiles, ReloadingFile<JWKSet> jwksFile,
                     RemoteJwkSet remote, Clock clock) {
        this.options = options;
        this.singleKeyFiles = List.copyOf(singleKeyFiles);
        this.jwksFile = jwksFile;
        this.remote = remote;
        this.clock = clock;
        this.verifiers = WorkerPool.bounded("starling-jwt-verifier", options.verifierThreads(),
                options.queueCapacity());
        Set<JWSAlgorithm> parsed = new HashSet<>();
        options.algorithms().forEach(name -> parsed.add(JWSAlgorithm.parse(name)));
        this.algorithms = Set.copyOf(parsed);
    }

    /**
     * Loads the key files, starts watching them and starts fetching the JWKS URL.
     *
     * @throws io.starling.security.SecurityFileException when a key file is missing, unreadable or unusable
     */
    public static JwtAuthenticator start(Options options) {
        return start(options, Clock.systemUTC());
    }

    static JwtAuthenticator start(Options options, Clock clock) {
        List<ReloadingFile<JWKSet>> files = new ArrayList<>();
        ReloadingFile<JWKSet> jwksFile = null;
        try {
            if (options.secretFile() != null) {
                files.add(ReloadingFile.watch(options.secretFile(), "JWT secret file", JwtKeyFiles::secret,
                        options.reloadInterval()));
            }
            if (options.publicKeyFile() != null) {
                files.add(ReloadingFile.watch(options.publicKeyFile(), "JWT public key file",
                        JwtKeyFiles::publicKeys, options.reloadInterval()));
            }
            if (options.jwksFile() != null) {
                jwksFile = ReloadingFile.watch(options.jwksFile(), "JWKS file", JwtKeyFiles::jwks,
                        options.reloadInterval());
            }
        } catch (RuntimeException e) {
            files.forEach(ReloadingFile::close);
            throw e;
        }
        RemoteJwkSet remote = null;
        if (options.jwksUrl() != null) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(options.timeout())
                    .followRedirects(HttpClient.Redirect.NORMAL).build();
            Duration gap = options.jwksRefreshInterval().compareTo(Duration.ofSeconds(30)) < 0
                    ? options.jwksRefreshInterval() : Duration.ofSeconds(30);
            remote = new RemoteJwkSet(options.jwksUrl(), http, options.timeout(), options.jwksRefreshInterval(), gap,
                    System::nanoTime);
            remote.prefetch();
        }
        return new JwtAuthenticator(options, files, jwksFile, remote, clock);
    }

    public Options options() {
        return options;
    }

    @Override
    public CompletionStage<AuthenticationResult> authenticate(AuthenticationRequest request) {
        String token = token(request.password());
        SignedJWT jwt = token == null ? null : parse(token);
        if (jwt == null) {
            return CompletableFuture.completedFuture(refused());
        }
        CompletableFuture<JWKSet> remoteKeys = remote == null ? CompletableFuture.completedFuture(null)
                : remote.keys().thenCompose(keys -> knowsKey(keys, jwt.getHeader())
                ? CompletableFuture.completedFuture(keys) : remote.refreshForUnknownKey());
        return remoteKeys.handle((keys, error) -> {
            if (error != null) {
                LOG.warn("JWT of client '{}' not checked: {}", request.clientId(), rootMessage(error));
                return CompletableFuture.completedFuture(AuthenticationResult.refuse(ReasonCode.SERVER_UNAVAILABLE,
                        "token keys unavailable"));
            }
            return verifyOffThread(request, jwt, keys);
        }).thenCompose(stage -> stage);
    }

    private CompletableFuture<AuthenticationResult> verifyOffThread(AuthenticationRequest request, SignedJWT jwt,
                                                                    JWKSet remoteKeys) {
        CompletableFuture<AuthenticationResult> result = new CompletableFuture<>();
        try {
            verifiers.execute(() -> result.complete(verify(request, jwt, remoteKeys)));
        } catch (RejectedExecutionException e) {
            LOG.warn("JWT verification overloaded (or stopped): CONNECT of client '{}' refused with Server Busy",
                    request.clientId());
            result.complete(AuthenticationResult.refuse(ReasonCode.SERVER_BUSY,
                    "too many authentications in progress, try again later"));
        }
        return result;
    }

    private AuthenticationResult verify(AuthenticationRequest request, SignedJWT jwt, JWKSet remoteKeys) {
        try {
            DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
            processor.setJWSTypeVerifier(TYPES);
            processor.setJWSKeySelector(new KeySelector(algorithms, singleKeys(), keySet(remoteKeys)));
            processor.setJWTClaimsSetVerifier(claimsVerifier());
            JWTClaimsSet claims = processor.process(jwt, null);
            Object identity = claims.getClaim(options.usernameClaim());
            if (!(identity instanceof String username) || username.isBlank()) {
                return refusedBecause(request, "no text claim '" + options.usernameClaim() + "' for the user name");
            }
            Date expiry = claims.getExpirationTime();
            Instant expiresAt = expiry == null ? null : expiry.toInstant().plus(options.clockSkew());
            return AuthenticationResult.accept(username, expiresAt, attributes(claims));
        } catch (BadJOSEException | JOSEException e) {
            return refusedBecause(request, e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("JWT verification of client '{}' failed", request.clientId(), e);
            return AuthenticationResult.refuse(ReasonCode.UNSPECIFIED_ERROR, "token verification failed");
        }
    }

    private DefaultJWTClaimsVerifier<SecurityContext> claimsVerifier() {
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        if (options.issuer() != null) {
            exact.issuer(options.issuer());
        }
        Set<String> required = new HashSet<>();
        if (options.requireExpiry()) {
            required.add("exp");
        }
        Set<String> audiences = options.audience() == null ? null : Set.of(options.audience());
        DefaultJWTClaimsVerifier<SecurityContext> verifier = new DefaultJWTClaimsVerifier<>(audiences, exact.build(),
                required, null) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        };
        verifier.setMaxClockSkew((int) Math.min(Integer.MAX_VALUE, options.clockSkew().toSeconds()));
        return verifier;
    }

    /** The claims as attributes for the authorizer; topic filters for {@link ClaimsAuthorizer} when configured. */
    private Map<String, List<String>> attributes(JWTClaimsSet claims) {
        Map<String, List<String>> attributes = new LinkedHashMap<>();
        claims.getClaims().forEach((name, value) -> {
            List<String> values = texts(value);
            if (values != null) {
                attributes.put(CLAIM_ATTRIBUTE_PREFIX + name, values);
            }
        });
        if (options.publishClaim() != null) {
            attributes.put(ClaimsAuthorizer.PUBLISH, filters(claims, options.publishClaim()));
        }
        if (options.subscribeClaim() != null) {
            attributes.put(ClaimsAuthorizer.SUBSCRIBE, filters(claims, options.subscribeClaim()));
        }
        return attributes;
    }

    private static List<String> filters(JWTClaimsSet claims, String claim) {
        List<String> values = texts(claims.getClaim(claim));
        return values == null ? List.of() : ClaimsAuthorizer.validFilters(values, "JWT claim '" + claim + "'");
    }

    /** A claim's value as text: text, numbers, booleans, dates (epoch seconds), or a list of those; else null. */
    private static List<String> texts(Object value) {
        if (value instanceof Collection<?> list) {
            List<String> values = new ArrayList<>(list.size());
            for (Object element : list) {
                String text = text(element);
                if (text == null) {
                    return null;
                }
                values.add(text);
            }
            return values;
        }
        String text = text(value);
        return text == null ? null : List.of(text);
    }

    private static String text(Object value) {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        if (value instanceof Date date) {
            return Long.toString(date.toInstant().getEpochSecond());
        }
        return null;
    }

    private JWKSet singleKeys() {
        List<JWK> keys = new ArrayList<>();
        for (ReloadingFile<JWKSet> file : singleKeyFiles) {
            keys.addAll(file.current().getKeys());
        }
        return new JWKSet(keys);
    }

    /** The keys chosen by {@code kid}: the JWKS file's and the URL's. */
    private JWKSet keySet(JWKSet remoteKeys) {
        List<JWK> keys = new ArrayList<>();
        if (jwksFile != null) {
            keys.addAll(jwksFile.current().getKeys());
        }
        if (remoteKeys != null) {
            keys.addAll(remoteKeys.getKeys());
        }
        return new JWKSet(keys);
    }

    private static boolean knowsKey(JWKSet keys, JWSHeader header) {
        return header.getKeyID() == null || keys.getKeyByKeyId(header.getKeyID()) != null;
    }

    /** The password as UTF-8 text, or null when absent or not UTF-8. */
    private static String token(byte[] password) {
        if (password == null || password.length == 0) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(password)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** A signed JWT, or null for anything else (not a JWT, unsigned, encrypted). */
    private static SignedJWT parse(String token) {
        try {
            JWT jwt = JWTParser.parse(token);
            return jwt instanceof SignedJWT signed ? signed : null;
        } catch (ParseException e) {
            return null;
        }
    }

    private static AuthenticationResult refused() {
        return AuthenticationResult.refuse(ReasonCode.BAD_USER_NAME_OR_PASSWORD, REFUSAL_REASON);
    }

    private static AuthenticationResult refusedBecause(AuthenticationRequest request, String why) {
        LOG.debug("JWT of client '{}' refused: {}", request.clientId(), why);
        return AuthenticationResult.refuse(ReasonCode.BAD_USER_NAME_OR_PASSWORD, REFUSAL_REASON + ": " + why);
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }

    /** Stops watching the key files and the verifier threads. */
    @Override
    public void close() {
        singleKeyFiles.forEach(ReloadingFile::close);
        if (jwksFile != null) {
            jwksFile.close();
        }
        verifiers.shutdown();
    }

    @Override
    public String toString() {
        return "JwtAuthenticator" + options.algorithms();
    }

    /**
     * Picks the keys a token may be checked with: only for an accepted algorithm, only keys of that algorithm's
     * type (Nimbus's {@link JWKMatcher#forJWSHeader}), JWKS keys by {@code kid}, file keys whatever the {@code kid}.
     */
    private record KeySelector(Set<JWSAlgorithm> algorithms, JWKSet singleKeys, JWKSet keySet)
            implements JWSKeySelector<SecurityContext> {

        @Override
        public List<? extends Key> selectJWSKeys(JWSHeader header, SecurityContext context) {
            if (!algorithms.contains(header.getAlgorithm())) {
                return List.of();
            }
            List<JWK> matches = new ArrayList<>();
            JWSHeader withoutKeyId = new JWSHeader.Builder(header).keyID(null).build();
            matches.addAll(new JWKSelector(JWKMatcher.forJWSHeader(withoutKeyId)).select(singleKeys));
            matches.addAll(new JWKSelector(JWKMatcher.forJWSHeader(header)).select(keySet));
            List<Key> keys = new ArrayList<>();
            for (Key key : KeyConverter.toJavaKeys(matches)) {
                if (key instanceof PublicKey || key instanceof SecretKey) {
                    keys.add(key); // never a private key of a JWKS that carried one
                }
            }
            return keys;
        }
    }
}
