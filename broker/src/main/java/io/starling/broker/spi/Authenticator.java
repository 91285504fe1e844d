package io.starling.broker.spi;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Decides whether a CONNECT may proceed. Called once per connection attempt, before any session is touched, so a
 * refusal has no side effects on sessions and publishes no will.
 *
 * <p>Implementations must not block the calling thread (an event loop): a back-end that does I/O (LDAP, HTTP)
 * completes the returned stage from its own executor.
 */
@FunctionalInterface
public interface Authenticator {

    CompletionStage<AuthenticationResult> authenticate(AuthenticationRequest request);

    /** Lets everyone in under the username they presented: the default when no security is configured. */
    Authenticator ALLOW_ANONYMOUS = request -> CompletableFuture.completedFuture(
            AuthenticationResult.accept(request.username()));
}
