package io.starling.security.jwt;

import com.nimbusds.jose.jwk.JWKSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * A JSON Web Key Set served over HTTP(S), fetched with the JDK's asynchronous {@link HttpClient} (never on the
 * caller's thread) and cached.
 *
 * <ul>
 *   <li>The first fetch starts at once; requests that need keys before it completes wait for it (one fetch,
 *       shared).</li>
 *   <li>A set older than the refresh interval is still used while a new fetch runs in the background.</li>
 *   <li>A token naming a key the set lacks ({@code kid}, after a rotation at the issuer) asks for an early fetch,
 *       and waits for it.</li>
 *   <li>No fetch starts less than {@code minimumGap} after the previous one started, whatever asks for it: a flood of
 *       tokens with made-up key ids cannot turn the broker against the key server.</li>
 *   <li>A failed fetch keeps the previous set, logged once per failure streak. With no set at all, requests fail
 *       (the authenticator refuses with 0x88 Server unavailable) until a fetch succeeds.</li>
 * </ul>
 * Thread-safe: the state is a few fields under this object's lock, held only to read and swap them.
 */
final class RemoteJwkSet {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteJwkSet.class);
    /** JWK sets are small; anything this large is not one. */
    private static final int MAXIMUM_BYTES = 1024 * 1024;

    private final URI uri;
    private final HttpClient http;
    private final Duration timeout;
    private final long refreshNanos;
    private final long minimumGapNanos;
    private final LongSupplier nanoClock;

    private JWKSet current;
    private long fetchedAt;
    private long lastAttempt;
    private boolean attempted;
    private CompletableFuture<JWKSet> inFlight;
    private boolean failing;

    RemoteJwkSet(URI uri, HttpClient http, Duration timeout, Duration refreshInterval, Duration minimumGap,
                 LongSupplier nanoClock) {
        this.uri = uri;
        this.http = http;
        this.timeout = timeout;
        this.refreshNanos = refreshInterval.toNanos();
        this.minimumGapNanos = minimumGap.toNanos();
        this.nanoClock = nanoClock;
    }

    /** Starts the first fetch, so that the first client does not wait for it. */
    void prefetch() {
        fetchIfAllowed();
    }

    /** The set to verify with: the cached one (refreshed in the background when old), or the first fetch. */
    CompletableFuture<JWKSet> keys() {
        JWKSet cached;
        boolean stale;
        synchronized (this) {
            cached = current;
            stale = cached != null && nanoClock.getAsLong() - fetchedAt > refreshNanos;
        }
        if (cached == null) {
            return fetchIfAllowed();
        }
        if (stale) {
            fetchIfAllowed();
        }
        return CompletableFuture.completedFuture(cached);
    }

    /** A fresher set, for a token naming a key the current one lacks; the current one if a fetch is not allowed yet. */
    CompletableFuture<JWKSet> refreshForUnknownKey() {
        return fetchIfAllowed();
    }

    /** The fetch in progress, a new one if the minimum gap has passed, or else the current set (or a failure). */
    private CompletableFuture<JWKSet> fetchIfAllowed() {
        CompletableFuture<JWKSet> fetch;
        synchronized (this) {
            if (inFlight != null) {
                return inFlight;
            }
            long now = nanoClock.getAsLong();
            if (attempted && now - lastAttempt < minimumGapNanos) {
                return current != null ? CompletableFuture.completedFuture(current)
                        : CompletableFuture.failedFuture(new IllegalStateException(
                        "the JSON Web Key Set at " + uri + " could not be fetched; next try after a pause"));
            }
            attempted = true;
            lastAttempt = now;
            fetch = new CompletableFuture<>();
            inFlight = fetch;
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json")
                .GET().build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((response, error) ->
                complete(fetch, response, error));
        return fetch;
    }

    private void complete(CompletableFuture<JWKSet> fetch, HttpResponse<byte[]> response, Throwable error) {
        JWKSet fetched = null;
        String problem;
        if (error != null) {
            problem = error.toString();
        } else if (response.statusCode() / 100 != 2) {
            problem = "HTTP status " + response.statusCode();
        } else if (response.body().length > MAXIMUM_BYTES) {
            problem = "answer larger than " + MAXIMUM_BYTES + " bytes";
        } else {
            try {
                fetched = JwtKeyFiles.parseJwks(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8),
                        uri.toString());
                problem = null;
            } catch (RuntimeException e) {
                problem = e.getMessage();
            }
        }
        JWKSet result;
        boolean reportFailure;
        boolean recovered;
        synchronized (this) {
            inFlight = null;
            if (fetched != null) {
                current = fetched;
                fetchedAt = nanoClock.getAsLong();
            }
            result = current;
            reportFailure = problem != null && !failing;
            recovered = problem == null && failing;
            failing = problem != null;
        }
        if (reportFailure) {
            LOG.error("Cannot fetch the JSON Web Key Set at {}: {}{}", uri, problem,
                    result != null ? " (still using the previous keys)" : " (tokens are refused until it works)");
        } else if (recovered) {
            LOG.info("Fetched the JSON Web Key Set at {} again ({} keys)", uri, fetched.size());
        } else if (fetched != null) {
            LOG.debug("Fetched the JSON Web Key Set at {} ({} keys)", uri, fetched.size());
        }
        if (result != null) {
            fetch.complete(result);
        } else {
            fetch.completeExceptionally(new IllegalStateException("cannot fetch the JSON Web Key Set at " + uri
                    + ": " + problem));
        }
    }

    @Override
    public String toString() {
        return "JWKS " + uri;
    }
}
