package io.starling.it.features;

import io.starling.broker.spi.AuthenticationRequest;
import io.starling.broker.spi.AuthenticationStep;
import io.starling.broker.spi.EnhancedAuthenticator;
import io.starling.codec.ReasonCode;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A two-step challenge / response mechanism for tests of the enhanced authentication exchange: the client opens
 * with "hello", the server answers with a random challenge, the client proves it knows the secret by sending
 * {@code hex(challenge) + ":" + secret}. Not a real security mechanism: it exercises the packet flow.
 */
final class ChallengeMechanism implements EnhancedAuthenticator {
    static final String METHOD = "STARLING-TEST-CHALLENGE";
    static final String SECRET = "open sesame";

    private final SecureRandom random = new SecureRandom();
    volatile boolean refuseReauthentication;

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public Exchange start(AuthenticationRequest request, boolean reauthentication) {
        byte[] challenge = new byte[8];
        random.nextBytes(challenge);
        return new Exchange() {
            private int step;

            @Override
            public CompletionStage<AuthenticationStep> onClientData(byte[] data) {
                step++;
                if (step == 1) {
                    if (!Arrays.equals(data, "hello".getBytes(StandardCharsets.UTF_8))) {
                        return done(new AuthenticationStep.Failure(ReasonCode.NOT_AUTHORIZED, "expected hello"));
                    }
                    return done(new AuthenticationStep.Continue(challenge));
                }
                boolean right = Arrays.equals(data, expectedResponse(challenge, SECRET));
                if (!right || (reauthentication && refuseReauthentication)) {
                    return done(new AuthenticationStep.Failure(ReasonCode.NOT_AUTHORIZED, "wrong response"));
                }
                return done(new AuthenticationStep.Success("welcome".getBytes(StandardCharsets.UTF_8), "alice"));
            }
        };
    }

    static byte[] expectedResponse(byte[] challenge, String secret) {
        return (HexFormat.of().formatHex(challenge) + ":" + secret).getBytes(StandardCharsets.UTF_8);
    }

    private static CompletionStage<AuthenticationStep> done(AuthenticationStep step) {
        // Completed from another thread, as a real back-end would.
        return CompletableFuture.supplyAsync(() -> step);
    }
}
