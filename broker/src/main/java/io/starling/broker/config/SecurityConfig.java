package io.starling.broker.config;

import java.util.Objects;

/**
 * Who may connect and what they may do. The back-ends live in the security module; {@code starling broker} builds
 * them from these settings. Every authentication back-end is off by default; those that are configured are asked in
 * this order: password file, JWT, LDAP, webhook (the first that accepts lets the client in), and MQTT 5 clients may
 * use SCRAM-SHA-256 instead (enhanced authentication).
 *
 * @param passwordFile     a Mosquitto password file ({@code user:$7$...} lines, written by {@code starling passwd}).
 *                         Empty: none. Default empty.
 * @param aclFile          a Mosquitto {@code acl_file}: once set, it decides which topics each client may publish to
 *                         and read, and everything it does not grant is denied. Empty: none, everything is allowed
 *                         (except what topic rules carried by a client's credentials forbid). Default empty.
 * @param allowAnonymous   once any authentication is configured, whether clients presenting neither user name nor
 *                         password are let in (as Mosquitto 2's {@code allow_anonymous}). Without any authentication
 *                         every client is let in anyway. Default false.
 * @param jwt              JSON Web Tokens as passwords. Default off.
 * @param ldap             simple bind to an LDAP directory. Default off.
 * @param webhook          an HTTP service that decides. Default off.
 * @param scram            SCRAM-SHA-256 over MQTT 5 enhanced authentication. Default off.
 * @param failedLoginDelay how refusals are slowed down for an address that keeps failing. Default on.
 * @param disconnectOnDeniedPublish what happens to a MQTT 3.x client whose PUBLISH the authorizer refuses: false
 *                         acknowledges it as usual and drops the message (3.x acknowledgements cannot refuse), true
 *                         closes the connection; both are what 3.1.1 allows ([MQTT-3.3.5-2]). MQTT 5 clients always
 *                         get PUBACK / PUBREC 0x87 Not authorized and stay connected. Default false.
 */
public record SecurityConfig(String passwordFile, String aclFile, boolean allowAnonymous, JwtConfig jwt,
                             LdapConfig ldap, WebhookConfig webhook, ScramConfig scram,
                             FailedLoginDelayConfig failedLoginDelay, boolean disconnectOnDeniedPublish) {
    public static final SecurityConfig DEFAULT = new SecurityConfig("", "", false);

    public SecurityConfig {
        passwordFile = passwordFile == null ? "" : passwordFile.strip();
        aclFile = aclFile == null ? "" : aclFile.strip();
        jwt = Objects.requireNonNullElse(jwt, JwtConfig.DEFAULT);
        ldap = Objects.requireNonNullElse(ldap, LdapConfig.DEFAULT);
        webhook = Objects.requireNonNullElse(webhook, WebhookConfig.DEFAULT);
        scram = Objects.requireNonNullElse(scram, ScramConfig.DEFAULT);
        failedLoginDelay = Objects.requireNonNullElse(failedLoginDelay, FailedLoginDelayConfig.DEFAULT);
    }

    /** Every back-end, with denied PUBLISHes of MQTT 3.x clients acknowledged and dropped. */
    public SecurityConfig(String passwordFile, String aclFile, boolean allowAnonymous, JwtConfig jwt,
                          LdapConfig ldap, WebhookConfig webhook, ScramConfig scram,
                          FailedLoginDelayConfig failedLoginDelay) {
        this(passwordFile, aclFile, allowAnonymous, jwt, ldap, webhook, scram, failedLoginDelay, false);
    }

    /** Files only: no JWT, LDAP, webhook or SCRAM; the default failed-login delay. */
    public SecurityConfig(String passwordFile, String aclFile, boolean allowAnonymous) {
        this(passwordFile, aclFile, allowAnonymous, JwtConfig.DEFAULT, LdapConfig.DEFAULT, WebhookConfig.DEFAULT,
                ScramConfig.DEFAULT, FailedLoginDelayConfig.DEFAULT);
    }

    /** Whether a password file is configured. */
    public boolean hasPasswordFile() {
        return !passwordFile.isEmpty();
    }

    /** Whether an ACL file is configured, so that topic access is controlled. */
    public boolean hasAclFile() {
        return !aclFile.isEmpty();
    }

    /** Whether any back-end checks CONNECT credentials (password file, JWT, LDAP, webhook or SCRAM). */
    public boolean hasAuthentication() {
        return hasPasswordFile() || jwt.enabled() || ldap.enabled() || webhook.enabled() || scram.enabled();
    }

    /** A copy with other files and anonymous rule; the back-end settings stay. */
    public SecurityConfig withFiles(String newPasswordFile, String newAclFile, boolean newAllowAnonymous) {
        return new SecurityConfig(newPasswordFile, newAclFile, newAllowAnonymous, jwt, ldap, webhook, scram,
                failedLoginDelay, disconnectOnDeniedPublish);
    }

    public SecurityConfig withJwt(JwtConfig newJwt) {
        return new SecurityConfig(passwordFile, aclFile, allowAnonymous, newJwt, ldap, webhook, scram,
                failedLoginDelay, disconnectOnDeniedPublish);
    }

    public SecurityConfig withLdap(LdapConfig newLdap) {
        return new SecurityConfig(passwordFile, aclFile, allowAnonymous, jwt, newLdap, webhook, scram,
                failedLoginDelay, disconnectOnDeniedPublish);
    }

    public SecurityConfig withWebhook(WebhookConfig newWebhook) {
        return new SecurityConfig(passwordFile, aclFile, allowAnonymous, jwt, ldap, newWebhook, scram,
                failedLoginDelay, disconnectOnDeniedPublish);
    }

    public SecurityConfig withScram(ScramConfig newScram) {
        return new SecurityConfig(passwordFile, aclFile, allowAnonymous, jwt, ldap, webhook, newScram,
                failedLoginDelay, disconnectOnDeniedPublish);
    }

    public SecurityConfig withFailedLoginDelay(FailedLoginDelayConfig newDelay) {
        return new SecurityConfig(passwordFile, aclFile, allowAnonymous, jwt, ldap, webhook, scram, newDelay,
                disconnectOnDeniedPublish);
    }

    public SecurityConfig withDisconnectOnDeniedPublish(boolean disconnect) {
        return new SecurityConfig(passwordFile, aclFile, allowAnonymous, jwt, ldap, webhook, scram, failedLoginDelay,
                disconnect);
    }
}
