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
 *   <li><b>Client certificate</b>: a request with a {@link AuthenticationRequest#certificateIdentity() certificate
 *       identity} and no password is accepted under that identity; no member is asked. The broker builds such a
 *       request only on listeners that verified the client's TLS certificate and use its identity as user name (it
 *       then drops the CONNECT user name and password), as Mosquitto's {@code use_identity_as_username}.</li>
 *   <li><b>Anonymous</b> (CONNECT with neither user name nor password): accepted when {@code allowAnonymous},
 *       otherwise refused with 0x86 Bad User Name or Password; no member is asked. Anonymous access is off by
 *       default: once any authentication is configured, it must be allowed explicitly (as in Mosquitto 2).</li>
 *   <li>Otherwise the members are asked one at a time, in order, each only after the previous one answered:
 *       the first acceptance wins (with the user name, expiry and attributes that member gave).</li>
 *   <li>A refusal is definitive, unless that member was added with {@link OnRefusal#TRY_NEXT}: then the next
 *       member is asked. Typical use: a password file for devices ({@code TRY_NEXT}, so users it does not know go
 *       on), then a directory for people ({@code STOP}).</li>
 *   <li>When the chain runs out of members (the last one refused), the answer is the first refusal that said the
 *       back-end could not decide (0x80 Unspecified error, 0x88 Server unavailable, 0x89 Server busy), if any, else
 *       the last refusal: a client that a back-end which was down might have accepted is told to try again later
 *       rather than that its password is wrong.</li>
 *   <li>A member that fails (its stage completes exceptionally, or it throws) counts as a refusal with 0x80
 *       Unspecified error, subject to its {@link OnRefusal}: the chain fails closed.</li>
 * </ol>
 * Every member asked sees the client's password: put members in the order of trust as well as of likelihood.
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
        if (request.certificateIdentity() != null && request.password() == null) {
            return CompletableFuture.completedFuture(AuthenticationResult.accept(request.certificateIdentity()));
        }
        if (request.username() == null && request.password() == null) {
            return CompletableFuture.completedFuture(allowAnonymous ? AuthenticationResult.accept(null)
                    : AuthenticationResult.refuse(ReasonCode.BAD_USER_NAME_OR_PASSWORD,
                    "anonymous access is not allowed"));
        }
        if (links.isEmpty()) {
            return CompletableFuture.completedFuture(AuthenticationResult.refuse(
                    ReasonCode.BAD_USER_NAME_OR_PASSWORD, "no authentication back-end is configured"));
        }
        return ask(0, request, null);
    }

    /** @param undecided the first refusal so far that said the back-end could not decide, or null */
    private CompletionStage<AuthenticationResult> ask(int index, AuthenticationRequest request,
                                                      AuthenticationResult.Refused undecided) {
        Link link = links.get(index);
        return askOne(link.authenticator(), request).thenCompose(result -> {
            if (!(result instanceof AuthenticationResult.Refused refused) || link.onRefusal() == OnRefusal.STOP) {
                return CompletableFuture.completedFuture(result);
            }
            AuthenticationResult.Refused firstUndecided = undecided == null && couldNotDecide(refused)
                    ? refused : undecided;
            if (index + 1 < links.size()) {
                return ask(index + 1, request, firstUndecided);
            }
            return CompletableFuture.completedFuture(firstUndecided != null ? firstUndecided : refused);
        });
    }

    private static boolean couldNotDecide(AuthenticationResult.Refused refused) {
        return switch (refused.reasonCode()) {
            case UNSPECIFIED_ERROR, SERVER_UNAVAILABLE, SERVER_BUSY -> true;
            default -> false;
        };
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
