package io.starling.security.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.starling.broker.spi.AuthenticationRequest;
import io.starling.broker.spi.AuthenticationResult;
import io.starling.broker.spi.Authenticator;
import io.starling.codec.MqttVersion;
import io.starling.codec.ReasonCode;
import io.starling.security.ClaimsAuthorizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Asks an HTTP service whether a client may connect.
 *
 * <p><b>Request.</b> {@code POST} to the configured URL, {@code Content-Type: application/json}:
 * <pre>{@code
 * {"clientId": "sensor-1", "username": "alice", "password": "c2VjcmV0",
 *  "remoteAddress": "192.0.2.7", "listener": "default", "protocolVersion": "5.0",
 *  "certificateIdentity": null}
 * }</pre>
 * {@code password} is the CONNECT password bytes in standard base64 (RFC 4648 section 4, with padding): MQTT
 * passwords are binary data, not necessarily text. {@code username} and {@code password} are null when absent;
 * {@code remoteAddress} is the client's IP address without port (the PROXY protocol address when there is one), or
 * null when unknown; {@code protocolVersion} is {@code "3.1"}, {@code "3.1.1"} or {@code "5.0"}.
 *
 * <p><b>Answer.</b> A 2xx status with a JSON object:
 * <pre>{@code
 * {"result": "allow", "username": "alice@example", "publish": ["sensors/alice/#"], "subscribe": ["commands/alice"]}
 * }</pre>
 * <ul>
 *   <li>{@code "result": "allow"}: accepted. Optional {@code username}: the identity to use instead of the presented
 *       user name. Optional {@code publish} / {@code subscribe}: lists of topic filters that become the client's topic
 *       rights ({@link ClaimsAuthorizer}); without them the ACL file decides.</li>
 *   <li>{@code "result": "deny"}, any other result, a 4xx status, or a body that is not such an object: refused with
 *       0x86 Bad User Name or Password (MQTT 3.x: return code 4).</li>
 *   <li>No answer within the timeout, a connection failure, a 5xx or another status: refused with 0x88 Server
 *       unavailable (return code 3); the service is not considered to have decided.</li>
 * </ul>
 * Redirects are not followed: a redirect is "another status".
 *
 * <p><b>Cache.</b> Decided answers (allow and deny, not failures) are kept for the TTL, up to a number of entries
 * (least recently used evicted first), keyed by everything the request carries but the client's port; the password is
 * kept only as its SHA-256. A cached answer is given without a request. TTL zero: no cache.
 *
 * <p>The request is sent with the JDK's asynchronous {@link HttpClient}: nothing blocks the calling network thread.
 */
public final class WebhookAuthenticator implements Authenticator {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookAuthenticator.class);
    static final String REFUSAL_REASON = "refused by the authentication service";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Answers are small JSON objects; anything larger is not one. */
    private static final int MAXIMUM_ANSWER_BYTES = 64 * 1024;

    /**
     * @param url       where to POST
     * @param timeout   the longest wait for connecting and for the answer
     * @param cacheTtl  how long a decided answer is reused; zero: never
     * @param cacheSize the most answers kept
     */
    public record Options(URI url, Duration timeout, Duration cacheTtl, int cacheSize) {
        public Options {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(cacheTtl, "cacheTtl");
            String scheme = url.getScheme();
            if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme)) {
                throw new IllegalArgumentException("the webhook URL must be https:// or http://: " + url);
            }
            if (cacheSize < 0 || cacheTtl.isNegative()) {
                throw new IllegalArgumentException("cacheSize and cacheTtl must not be negative");
            }
        }

        /** 5 s timeout, answers cached 1 min, up to 10,000. */
        public static Options of(URI url) {
            return new Options(url, Duration.ofSeconds(5), Duration.ofMinutes(1), 10_000);
        }

        public Options withTimeout(Duration newTimeout) {
            return new Options(url, newTimeout, cacheTtl, cacheSize);
        }

        public Options withCache(Duration newTtl, int newSize) {
            return new Options(url, timeout, newTtl, newSize);
        }
    }

    /** What a decision depends on; the password only as a digest. */
    private record CacheKey(String clientId, String username, String passwordSha256, String remoteAddress,
                            String listener, String protocolVersion, String certificateIdentity) {
    }

    private final Options options;
    private final HttpClient http;
    private final Cache<CacheKey, AuthenticationResult> cache;

    public WebhookAuthenticator(Options options) {
        this.options = options;
        this.http = HttpClient.newBuilder().connectTimeout(options.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.cache = options.cacheTtl().isZero() || options.cacheSize() == 0 ? null
                : Caffeine.newBuilder().expireAfterWrite(options.cacheTtl()).maximumSize(options.cacheSize()).build();
    }

    public Options options() {
        return options;
    }

    @Override
    public CompletionStage<AuthenticationResult> authenticate(AuthenticationRequest request) {
        String address = ipOf(request.remoteAddress());
        String version = versionOf(request.version());
        CacheKey key = new CacheKey(request.clientId(), request.username(), sha256(request.password()), address,
                request.listenerName(), version, request.certificateIdentity());
        if (cache != null) {
            AuthenticationResult cached = cache.getIfPresent(key);
            if (cached != null) {
                return CompletableFuture.completedFuture(cached);
            }
        }
        HttpRequest post = HttpRequest.newBuilder(options.url()).timeout(options.timeout())
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body(request, address, version))).build();
        return http.sendAsync(post, HttpResponse.BodyHandlers.ofByteArray()).handle((response, error) -> {
            if (error != null) {
                return unavailable(request, error);
            }
            Decision decision = decide(request, response);
            if (decision.decided() && cache != null) {
                cache.put(key, decision.result());
            }
            return decision.result();
        });
    }

    private record Decision(AuthenticationResult result, boolean decided) {
    }

    private Decision decide(AuthenticationRequest request, HttpResponse<byte[]> response) {
        int status = response.statusCode();
        if (status / 100 == 4) {
            LOG.debug("Webhook refused client '{}' with HTTP {}", request.clientId(), status);
            return new Decision(refused(), true);
        }
        if (status / 100 != 2) {
            LOG.warn("Webhook {} answered HTTP {} for client '{}': refused with Server unavailable", options.url(),
                    status, request.clientId());
            return new Decision(serverUnavailable(), false);
        }
        JsonNode answer;
        try {
            byte[] body = response.body();
            answer = body.length > MAXIMUM_ANSWER_BYTES ? null : JSON.readTree(body);
        } catch (IOException e) {
            answer = null;
        }
        if (answer == null || !answer.isObject() || !answer.path("result").isTextual()) {
            LOG.warn("Webhook {} answered HTTP {} without a JSON object with a \"result\" for client '{}': refused",
                    options.url(), status, request.clientId());
            return new Decision(refused(), false);
        }
        if (!"allow".equals(answer.get("result").textValue())) {
            LOG.debug("Webhook refused client '{}': result '{}'", request.clientId(), answer.get("result").textValue());
            return new Decision(refused(), true);
        }
        JsonNode mapped = answer.get("username");
        String username = mapped != null && mapped.isTextual() && !mapped.textValue().isEmpty() ? mapped.textValue()
                : request.username();
        Map<String, List<String>> attributes = new LinkedHashMap<>();
        addFilters(attributes, ClaimsAuthorizer.PUBLISH, answer.get("publish"));
        addFilters(attributes, ClaimsAuthorizer.SUBSCRIBE, answer.get("subscribe"));
        return new Decision(AuthenticationResult.accept(username, null, attributes), true);
    }

    private void addFilters(Map<String, List<String>> attributes, String attribute, JsonNode list) {
        if (list == null || list.isNull()) {
            return;
        }
        List<String> filters = new ArrayList<>();
        if (list.isArray()) {
            list.forEach(element -> {
                if (element.isTextual()) {
                    filters.add(element.textValue());
                }
            });
        }
        // Present but unusable still governs the client: it then gets no rights, never everything.
        attributes.put(attribute, ClaimsAuthorizer.validFilters(filters, "webhook " + options.url()));
    }

    private byte[] body(AuthenticationRequest request, String address, String version) {
        ObjectNode body = JSON.createObjectNode();
        body.put("clientId", request.clientId());
        body.put("username", request.username());
        body.put("password", request.password() == null ? null
                : Base64.getEncoder().encodeToString(request.password()));
        body.put("remoteAddress", address);
        body.put("listener", request.listenerName());
        body.put("protocolVersion", version);
        body.put("certificateIdentity", request.certificateIdentity());
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the webhook request", e);
        }
    }

    private AuthenticationResult unavailable(AuthenticationRequest request, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        String why = cause instanceof HttpTimeoutException ? "no answer within " + options.timeout().toMillis() + " ms"
                : cause.toString();
        LOG.warn("Webhook {} unavailable for client '{}': {}; refused with Server unavailable", options.url(),
                request.clientId(), why);
        return serverUnavailable();
    }

    private static AuthenticationResult refused() {
        return AuthenticationResult.refuse(ReasonCode.BAD_USER_NAME_OR_PASSWORD, REFUSAL_REASON);
    }

    private static AuthenticationResult serverUnavailable() {
        return AuthenticationResult.refuse(ReasonCode.SERVER_UNAVAILABLE, "authentication service unavailable");
    }

    private static String ipOf(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
        }
        return address == null ? null : address.toString();
    }

    private static String versionOf(MqttVersion version) {
        if (version == null) {
            return null;
        }
        return switch (version) {
            case MQTT_3_1 -> "3.1";
            case MQTT_3_1_1 -> "3.1.1";
            case MQTT_5 -> "5.0";
        };
    }

    private static String sha256(byte[] password) {
        if (password == null) {
            return null;
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(password));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "WebhookAuthenticator[" + options.url() + "]";
    }
}
