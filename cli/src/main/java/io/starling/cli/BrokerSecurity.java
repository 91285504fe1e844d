package io.starling.cli;

import io.starling.broker.config.SecurityConfig;
import io.starling.broker.spi.Authenticator;
import io.starling.broker.spi.Authorizer;
import io.starling.security.AclAuthorizer;
import io.starling.security.AuthenticatorChain;
import io.starling.security.PasswordFileAuthenticator;
import io.starling.security.SecurityFileException;

import java.net.InetSocketAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * The security back-ends {@code starling broker} runs with, built from {@link SecurityConfig}: a password file
 * behind an {@link AuthenticatorChain} (which holds the anonymous-access rule) or everyone let in; an ACL file or
 * everything allowed. Closing it stops watching the files.
 *
 * @param passwords the password file's authenticator, or null without a password file
 * @param acl       the ACL file's authorizer, or null without an ACL file
 */
record BrokerSecurity(SecurityConfig config, Authenticator authenticator, Authorizer authorizer,
                      PasswordFileAuthenticator passwords, AclAuthorizer acl) implements AutoCloseable {

    /**
     * Loads the configured files.
     *
     * @throws CliException (one line, exit code 1) when a file is missing, unreadable or invalid
     */
    static BrokerSecurity from(SecurityConfig config) {
        PasswordFileAuthenticator passwords = null;
        AclAuthorizer acl = null;
        try {
            Authenticator authenticator = Authenticator.ALLOW_ANONYMOUS;
            if (config.hasPasswordFile()) {
                passwords = PasswordFileAuthenticator.start(Path.of(config.passwordFile()));
                authenticator = AuthenticatorChain.builder()
                        .add(passwords)
                        .allowAnonymous(config.allowAnonymous())
                        .build();
            }
            Authorizer authorizer = Authorizer.ALLOW_ALL;
            if (config.hasAclFile()) {
                acl = AclAuthorizer.start(Path.of(config.aclFile()));
                authorizer = acl;
            }
            return new BrokerSecurity(config, authenticator, authorizer, passwords, acl);
        } catch (SecurityFileException | InvalidPathException e) {
            if (passwords != null) {
                passwords.close();
            }
            throw new CliException(Errors.oneLine(e.getMessage()), e);
        }
    }

    /** Whether a client presenting no credentials is let in. */
    boolean anonymousAllowed() {
        return passwords == null || config.allowAnonymous();
    }

    /** One line for the log: which authentication and authorization are active. */
    String describe() {
        String authentication = passwords == null
                ? "none (every client is let in)"
                : "password file " + config.passwordFile() + " (" + passwords.passwordFile().size() + " users; "
                        + (config.allowAnonymous() ? "anonymous clients let in" : "anonymous clients refused") + ")";
        String authorization = acl == null
                ? "none (every client may publish and subscribe to every topic)"
                : "ACL file " + config.aclFile() + " (everything it does not grant is denied)";
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
                + (acl == null ? " and publish or subscribe to anything" : "")
                + ". Set security.password-file (--password-file; create it with `starling passwd`)"
                + (passwords != null ? " and leave security.allow-anonymous false" : "")
                + ", or bind to 127.0.0.1 !!!";
    }

    @Override
    public void close() {
        if (passwords != null) {
            passwords.close();
        }
        if (acl != null) {
            acl.close();
        }
    }
}
