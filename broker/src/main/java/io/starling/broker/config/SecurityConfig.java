package io.starling.broker.config;

/**
 * Who may connect and what they may do, from Mosquitto-compatible files (the back-ends live in the security
 * module; {@code starling broker} builds them from these settings).
 *
 * @param passwordFile   a Mosquitto password file ({@code user:$7$...} lines, written by {@code starling passwd}).
 *                       Empty: none, every client is let in (anonymous ones too), as without security. Default
 *                       empty.
 * @param aclFile        a Mosquitto {@code acl_file}: once set, it decides which topics each client may publish to
 *                       and read, and everything it does not grant is denied. Empty: none, everything is allowed.
 *                       Default empty.
 * @param allowAnonymous with a password file, whether clients presenting neither user name nor password are let
 *                       in (as Mosquitto 2's {@code allow_anonymous}). Without a password file every client is let
 *                       in anyway. Default false.
 */
public record SecurityConfig(String passwordFile, String aclFile, boolean allowAnonymous) {
    public static final SecurityConfig DEFAULT = new SecurityConfig("", "", false);

    public SecurityConfig {
        passwordFile = passwordFile == null ? "" : passwordFile.strip();
        aclFile = aclFile == null ? "" : aclFile.strip();
    }

    /** Whether a password file is configured, so that clients must authenticate. */
    public boolean hasPasswordFile() {
        return !passwordFile.isEmpty();
    }

    /** Whether an ACL file is configured, so that topic access is controlled. */
    public boolean hasAclFile() {
        return !aclFile.isEmpty();
    }
}
