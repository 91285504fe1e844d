package io.starling.security;

import io.starling.broker.spi.AuthenticationRequest;
import io.starling.broker.spi.AuthenticationResult;
import io.starling.broker.spi.Authenticator;
import io.starling.codec.ReasonCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Several authenticators asked in order, plus the anonymous-access rule.
 *
 * <p>Decision rules:
 * <ol>
 *   <li><b>Anonymous</b> (CONNECT with neither user name nor password): accepted when {@code allowAnonymous},
 *       otherwise refused with 0x86 Bad User Name or Password; no member is asked. Anonymous access is off by
 *       default: once any authentication is configured, it must be allowed explicitly (as in Mosquitto 2).</li>
 *   <li>Otherwise the members are asked one at a time, in order, each only after the previous one answered:
 *       the first acceptance wins.</li>
 *   <li>A refusal is definitive, unless that member was added with {@link OnRefusal#TRY_NEXT}: then the next
 *       member is asked. When the last member asked refuses, its refusal (reason code and reason) is the answer.
 *       Typical use: a password file for devices ({@code TRY_NEXT}, so users it does not know go on), then a
 *       directory for people ({@code STOP}).</li>
 *   <li>A member that fails (its stage completes exceptionally, or it throws) counts as a refusal with 0x80
 *       Unspecified error, subject to its {@link OnRefusal}: the chain fails closed.</li>
 * </ol>
 */
public final class AuthenticatorChain implements Authenticator {
    private static final Logger LOG = LoggerFactory.getLogger(AuthenticatorChain.class);

    /** What a refusal by a member means for the rest of the chain. */
    public enum OnRefusal {
        /** The refusal is the chain's answer. */
        STOP,
        /** Ask the next member; if there is none, the refusal is the chain's answer. */
        TRY_NEXT
    }

    /** One member and what its refusal means. */
    public record Link(Authenticator authenticator, OnRefusal onRefusal) {
        public Link {
            Objects.requireNonNull(authenticator, "authenticator");
            Objects.requireNonNull(onRefusal, "onRefusal");
        }
    }

    private final List<Link> links;
    private final boolean allowAnonymous;

    private AuthenticatorChain(List<Link> links, boolean allowAnonymous) {
        this.links = List.copyOf(links);
        this.allowAnonymous = allowAnonymous;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a chain; anonymous access is refused unless {@link #allowAnonymous(boolean)} says otherwise. */
    public static final class Builder {
        private final List<Link> links = new ArrayList<>();
        private boolean allowAnonymous;

        private Builder() {
        }

        /** Adds a member whose refusal ends the chain. */
        public Builder add(Authenticator authenticator) {
            return add(authenticator, OnRefusal.STOP);
        }

        public Builder add(Authenticator authenticator, OnRefusal onRefusal) {
            links.add(new Link(authenticator, onRefusal));
            return this;
        }

        /** Whether clients presenting neither user name nor password are let in. Default false. */
        public Builder allowAnonymous(boolean allow) {
            this.allowAnonymous = allow;
            return this;
        }

        public AuthenticatorChain build() {
            return new AuthenticatorChain(links, allowAnonymous);
        }
    }

    public List<Link> links() {
        return links;
    }

    public boolean allowsAnonymous() {
        return allowAnonymous;
    }

    @Override
    public CompletionStage<AuthenticationResult> authenticate(AuthenticationRequest request) {
        if (request.username() == null && request.password() == null) {
            return CompletableFuture.completedFuture(allowAnonymous ? AuthenticationResult.accept(null)
                    : AuthenticationResult.refuse(ReasonCode.BAD_USER_NAME_OR_PASSWORD,
                    "anonymous access is not allowed"));
        }
        if (links.isEmpty()) {
            return CompletableFuture.completedFuture(AuthenticationResult.refuse(
                    ReasonCode.BAD_USER_NAME_OR_PASSWORD, "no authentication back-end is configured"));
        }
        return ask(0, request);
    }

    private CompletionStage<AuthenticationResult> ask(int index, AuthenticationRequest request) {
        Link link = links.get(index);
        return askOne(link.authenticator(), request).thenCompose(result -> {
            if (result instanceof AuthenticationResult.Refused && link.onRefusal() == OnRefusal.TRY_NEXT
                    && index + 1 < links.size()) {
                return ask(index + 1, request);
            }
            return CompletableFuture.completedFuture(result);
        });
    }

    private static CompletionStage<AuthenticationResult> askOne(Authenticator authenticator,
                                                                AuthenticationRequest request) {
        CompletionStage<AuthenticationResult> stage;
        try {
            stage = Objects.requireNonNull(authenticator.authenticate(request), "authenticator returned null");
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        return stage.handle((result, error) -> {
            if (error == null && result != null) {
                return result;
            }
            LOG.error("Authenticator {} failed for client '{}': counted as a refusal", authenticator,
                    request.clientId(), error);
            return AuthenticationResult.refuse(ReasonCode.UNSPECIFIED_ERROR, "authentication back-end failed");
        });
    }

    @Override
    public String toString() {
        return "AuthenticatorChain" + links + (allowAnonymous ? " +anonymous" : "");
    }
}
