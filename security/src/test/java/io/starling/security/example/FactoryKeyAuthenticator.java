package io.starling.security.example;

import io.starling.broker.spi.AuthenticationRequest;
import io.starling.broker.spi.AuthenticationResult;
import io.starling.broker.spi.Authenticator;
import io.starling.codec.ReasonCode;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Example of a custom {@link Authenticator} (docs/security.md, "Writing your own authenticator and authorizer"):
 * devices were provisioned at the factory with the password {@code hex(HMAC-SHA256(factoryKey, clientId))}, so the
 * broker checks them without any user list. Accepted devices are named {@code device:<clientId>}, get an attribute
 * telling the authorizer their client identifier, and must reconnect every {@code sessionLength}.
 *
 * <p>The work is a single HMAC, so it answers at once on the calling network thread; a back-end that does I/O or
 * costly hashing would complete the stage from a thread of its own instead.
 */
public final class FactoryKeyAuthenticator implements Authenticator {
    /** The attribute naming the device, for {@link DeviceTopicsAuthorizer}. */
    public static final String DEVICE_ATTRIBUTE = "example.device";

    private final byte[] factoryKey;
    private final Duration sessionLength;
    private final Clock clock;

    public FactoryKeyAuthenticator(byte[] factoryKey, Duration sessionLength, Clock clock) {
        this.factoryKey = factoryKey.clone();
        this.sessionLength = sessionLength;
        this.clock = clock;
    }

    /** The password a device with this client identifier was provisioned with. */
    public static String passwordFor(byte[] factoryKey, String clientId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(factoryKey, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(clientId.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public CompletionStage<AuthenticationResult> authenticate(AuthenticationRequest request) {
        byte[] presented = request.password();
        byte[] expected = passwordFor(factoryKey, request.clientId()).getBytes(StandardCharsets.US_ASCII);
        if (presented == null || !MessageDigest.isEqual(presented, expected)) {
            return CompletableFuture.completedFuture(
                    AuthenticationResult.refuse(ReasonCode.BAD_USER_NAME_OR_PASSWORD, "not a provisioned device"));
        }
        return CompletableFuture.completedFuture(AuthenticationResult.accept("device:" + request.clientId(),
                clock.instant().plus(sessionLength), Map.of(DEVICE_ATTRIBUTE, List.of(request.clientId()))));
    }
}
