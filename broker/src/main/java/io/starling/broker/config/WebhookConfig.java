package io.starling.broker.config;

import java.time.Duration;

/**
 * An HTTP service that decides: the broker POSTs what the client presented (JSON, described in docs/security.md)
 * and lets the client in when the answer is a 2xx with {@code {"result":"allow"}}. On when {@code url} is set.
 *
 * @param url       the {@code https://} (or {@code http://}) address to POST to. Default empty: off.
 * @param timeout   the longest wait for the answer; past it the client is refused with 0x88 Server unavailable
 *                  (MQTT 3.x: return code 3). Default 5 s.
 * @param cacheTtl  how long an answer is reused for the same credentials from the same address; 0 s: never.
 *                  Default 1 min.
 * @param cacheSize the most answers kept. Default 10,000.
 */
public record WebhookConfig(String url, Duration timeout, Duration cacheTtl, int cacheSize) {
    public static final WebhookConfig DEFAULT = new WebhookConfig("", Duration.ofSeconds(5), Duration.ofMinutes(1),
            10_000);

    public WebhookConfig {
        url = SecurityValues.text(url);
        timeout = SecurityValues.positive(timeout, "security.webhook.timeout");
        cacheTtl = SecurityValues.notNegative(cacheTtl, "security.webhook.cache-ttl");
        if (cacheSize < 0) {
            throw new IllegalArgumentException("security.webhook.cache-size must be zero or positive: " + cacheSize);
        }
        if (!url.isEmpty() && !url.startsWith("https://") && !url.startsWith("http://")) {
            throw new IllegalArgumentException("security.webhook.url must be an https:// or http:// URL: " + url);
        }
    }

    /** Whether the webhook is on. */
    public boolean enabled() {
        return !url.isEmpty();
    }
}
