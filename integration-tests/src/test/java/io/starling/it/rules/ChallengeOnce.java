package io.starling.it.rules;

import io.starling.broker.spi.AuthenticationRequest;
import io.starling.broker.spi.AuthenticationStep;
import io.starling.broker.spi.EnhancedAuthenticator;
import io.starling.codec.ReasonCode;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An enhanced authentication mechanism for the rule tests: whatever the client opens with, it is challenged once
 * (AUTH 0x18 with "challenge"); the answer "right" is accepted, anything else refused with 0x87 and the reason
 * given at construction. It exists to drive the packet flow, not to secure anything.
 */
final class ChallengeOnce implements EnhancedAuthenticator {
    static final String METHOD = "STARLING-RULES-CHALLENGE";
    static final byte[] RIGHT_ANSWER = "right".getBytes(StandardCharsets.UTF_8);

    private final String refusalReason;

    ChallengeOnce(String refusalReason) {
        this.refusalReason = refusalReason;
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public Exchange start(AuthenticationRequest request, boolean reauthentication) {
        return new Exchange() {
            private boolean challenged;

            @Override
            public CompletionStage<AuthenticationStep> onClientData(byte[] data) {
                if (!challenged) {
                    challenged = true;
                    return later(new AuthenticationStep.Continue("challenge".getBytes(StandardCharsets.UTF_8)));
                }
                if (Arrays.equals(data, RIGHT_ANSWER)) {
                    return later(new AuthenticationStep.Success(null, request.username()));
                }
                return later(new AuthenticationStep.Failure(ReasonCode.NOT_AUTHORIZED, refusalReason));
            }
        };
    }

    /** Completed on another thread, as a back-end doing I/O would. */
    private static CompletionStage<AuthenticationStep> later(AuthenticationStep step) {
        return CompletableFuture.supplyAsync(() -> step);
    }
}
