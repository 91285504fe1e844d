package io.starling.cli;

import io.starling.broker.config.JwtConfig;
import io.starling.broker.config.LdapConfig;
import io.starling.broker.config.SecurityConfig;
import io.starling.broker.config.WebhookConfig;
import io.starling.broker.spi.Authenticator;
import io.starling.broker.spi.Authorizer;
import io.starling.broker.spi.EnhancedAuthenticator;
import io.starling.security.AclAuthorizer;
import io.starling.security.AuthenticatorChain;
import io.starling.security.AuthenticatorChain.OnRefusal;
import io.starling.security.ClaimsAuthorizer;
import io.starling.security.PasswordFileAuthenticator;
import io.starling.security.SecurityFileException;
import io.starling.security.jwt.JwtAuthenticator;
import io.starling.security.ldap.LdapAuthenticator;
import io.starling.security.scram.ScramAuthenticator;
import io.starling.security.webhook.WebhookAuthenticator;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * The security back-ends {@code starling broker} runs with, built from {@link SecurityConfig}.
 *
 * <ul>
 *   <li>Authentication: the configured back-ends in an {@link AuthenticatorChain}, in this order: password file,
 *       JWT, LDAP, webhook. Each is asked only when the ones before it refused, and the first that accepts lets the
 *       client in (every member is {@link OnRefusal#TRY_NEXT}); when all refuse, the chain's answer is the first
 *       "could not decide" refusal (a back-end that was down), else the last one. The chain holds the anonymous rule
 *       and the client-certificate rule. Nothing configured: everyone is let in.</li>
 *   <li>SCRAM-SHA-256, when configured, is offered to MQTT 5 clients as an enhanced authentication method, beside the
 *       chain (a client uses one or the other).</li>
 *   <li>Authorization: the ACL file or everything allowed; wrapped in a {@link ClaimsAuthorizer} when JWT claims or
 *       the webhook can carry topic rights, so that those clients get exactly the rights their credentials list.</li>
 * </ul>
 * Closing it stops watching the files and the back-ends' threads.
 *
 * @param enhancedAuthenticators the MQTT 5 enhanced authentication mechanisms to start the broker with
 * @param description            one entry per active authentication back-end, for the log, each with an open
 *                               parenthesis that {@link #describe()} closes
 * @param resources              what {@link #close()} closes
 */
record BrokerSecurity(SecurityConfig config, Authenticator authenticator, Authorizer authorizer,
                      List<EnhancedAuthenticator> enhancedAuthenticators, List<String> description, boolean acl,
                      List<AutoCloseable> resources) implements AutoCloseable {

    /**
     * Loads the configured files and sets up the back-ends.
     *
     * @throws CliException (one line, exit code 1) when a file is missing, unreadable or invalid, or a setting
     *                      cannot be used
     */
    static BrokerSecurity from(SecurityConfig config) {
        List<AutoCloseable> resources = new ArrayList<>();
        List<String> description = new ArrayList<>();
        try {
            AuthenticatorChain.Builder chain = AuthenticatorChain.builder().allowAnonymous(config.allowAnonymous());
            if (config.hasPasswordFile()) {
                PasswordFileAuthenticator passwords = PasswordFileAuthenticator.start(Path.of(config.passwordFile()));
                resources.add(passwords);
                chain.add(passwords, OnRefusal.TRY_NEXT);
                description.add("password file " + config.passwordFile() + " (" + passwords.passwordFile().size()
                        + " users");
            }
            if (config.jwt().enabled()) {
                JwtAuthenticator jwt = JwtAuthenticator.start(jwtOptions(config.jwt()));
                resources.add(jwt);
                chain.add(jwt, OnRefusal.TRY_NEXT);
                description.add("JWT (" + String.join(", ", config.jwt().algorithms()));
            }
            if (config.ldap().enabled()) {
                LdapAuthenticator ldap = LdapAuthenticator.start(ldapOptions(config.ldap()));
                resources.add(ldap);
                chain.add(ldap, OnRefusal.TRY_NEXT);
                description.add("LDAP (" + config.ldap().url());
            }
            if (config.webhook().enabled()) {
                WebhookConfig hook = config.webhook();
                chain.add(new WebhookAuthenticator(new WebhookAuthenticator.Options(URI.create(hook.url()),
                        hook.timeout(), hook.cacheTtl(), hook.cacheSize())), OnRefusal.TRY_NEXT);
                description.add("webhook (" + hook.url());
            }
            List<EnhancedAuthenticator> enhanced = new ArrayList<>();
            if (config.scram().enabled()) {
                ScramAuthenticator scram = ScramAuthenticator.start(Path.of(config.scram().credentialsFile()));
                resources.add(scram);
                enhanced.add(scram);
                description.add("SCRAM-SHA-256 " + config.scram().credentialsFile() + " ("
                        + scram.credentials().size() + " users");
            }
            Authenticator authenticator = config.hasAuthentication() ? chain.build() : Authenticator.ALLOW_ANONYMOUS;
            Authorizer authorizer = Authorizer.ALLOW_ALL;
            if (config.hasAclFile()) {
                AclAuthorizer acl = AclAuthorizer.start(Path.of(config.aclFile()));
                resources.add(acl);
                authorizer = acl;
            }
            if (config.jwt().claimsGrantTopics() || config.webhook().enabled()) {
                authorizer = new ClaimsAuthorizer(authorizer);
            }
            return new BrokerSecurity(config, authenticator, authorizer, List.copyOf(enhanced),
                    List.copyOf(description), config.hasAclFile(), List.copyOf(resources));
        } catch (SecurityFileException | IllegalArgumentException e) { // InvalidPathException included
            closeAll(resources);
            throw new CliException(Errors.oneLine(e.getMessage()), e);
        }
    }

    private static JwtAuthenticator.Options jwtOptions(JwtConfig jwt) {
        return new JwtAuthenticator.Options(path(jwt.secretFile()), path(jwt.publicKeyFile()), path(jwt.jwksFile()),
                jwt.jwksUrl().isEmpty() ? null : URI.create(jwt.jwksUrl()), jwt.jwksRefreshInterval(), jwt.timeout(),
                new HashSet<>(jwt.algorithms()), blankToNull(jwt.issuer()), blankToNull(jwt.audience()),
                jwt.usernameClaim(), jwt.requireExpiry(), jwt.clockSkew(), blankToNull(jwt.publishClaim()),
                blankToNull(jwt.subscribeClaim()), java.time.Duration.ofSeconds(5), 2, 1024);
    }

    private static LdapAuthenticator.Options ldapOptions(LdapConfig ldap) {
        String searchPassword = null;
        if (!ldap.searchBindPasswordFile().isEmpty()) {
            Path file = Path.of(ldap.searchBindPasswordFile());
            try {
                searchPassword = Files.readString(file, StandardCharsets.UTF_8).stripTrailing();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read security.ldap.search-bind-password-file " + file
                        + ": " + e.getMessage(), e);
            }
        }
        return new LdapAuthenticator.Options(ldap.url(), blankToNull(ldap.bindDnTemplate()),
                blankToNull(ldap.searchBase()), ldap.searchFilter(), blankToNull(ldap.searchBindDn()), searchPassword,
                ldap.timeout(), ldap.threads(), 1024);
    }

    private static Path path(String text) {
        return text.isEmpty() ? null : Path.of(text);
    }

    private static String blankToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }

    /** Whether a client presenting no credentials is let in. */
    boolean anonymousAllowed() {
        return !config.hasAuthentication() || config.allowAnonymous();
    }

    /** One line for the log: which authentication and authorization are active. */
    String describe() {
        String authentication;
        if (description.isEmpty()) {
            authentication = "none (every client is let in)";
        } else {
            // "password file p (2 users), LDAP (ldap://...; anonymous clients refused)"
            List<String> entries = new ArrayList<>();
            for (int i = 0; i < description.size() - 1; i++) {
                entries.add(description.get(i) + ")");
            }
            entries.add(description.get(description.size() - 1) + "; "
                    + (config.allowAnonymous() ? "anonymous clients let in" : "anonymous clients refused") + ")");
            authentication = String.join(", ", entries);
        }
        String authorization = !acl
                ? "none (every client may publish and subscribe to every topic)"
                : "ACL file " + config.aclFile() + " (everything it does not grant is denied)";
        if (authorizer instanceof ClaimsAuthorizer) {
            authorization += "; topic rights carried by tokens or the webhook apply to their clients";
        }
        return "Authentication: " + authentication + "; authorization: " + authorization;
    }

    /**
     * The warning to log when clients without credentials can reach the broker from other machines, or null: a
     * listener bound to a non-loopback address while anonymous clients are let in.
     */
    String exposureWarning(List<InetSocketAddress> boundAddresses) {
        if (!anonymousAllowed()) {
            return null;
        }
        List<String> exposed = boundAddresses.stream()
                .filter(address -> address.getAddress() == null || !address.getAddress().isLoopbackAddress())
                .map(address -> address.getHostString() + ":" + address.getPort())
                .toList();
        if (exposed.isEmpty()) {
            return null;
        }
        return "!!! Anonymous clients are let in and the broker listens on " + String.join(", ", exposed)
                + ", reachable from other machines: anyone who can reach it may connect"
                + (!acl ? " and publish or subscribe to anything" : "")
                + ". Set security.password-file (--password-file; create it with `starling passwd`)"
                + (config.hasAuthentication() ? " and leave security.allow-anonymous false" : "")
                + ", or bind to 127.0.0.1 !!!";
    }

    @Override
    public void close() {
        closeAll(resources);
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                // closing stops watchers and threads; nothing to report to an operator who is stopping the broker
            }
        }
    }
}
