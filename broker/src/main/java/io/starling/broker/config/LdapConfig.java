package io.starling.broker.config;

import java.time.Duration;

/**
 * User name and password checked by a simple bind to an LDAP directory. On when {@code url} is set; then exactly one
 * of {@code bindDnTemplate} (the DN is built from the user name) and {@code searchBase} (the DN is searched for,
 * then bound) must be set. In both templates {@code %u} stands for the user name, escaped for a DN or a filter.
 *
 * @param url                    {@code ldap://host:port} or {@code ldaps://host:port} (TLS, checked against the
 *                               JVM's trusted certificates). Default empty: off.
 * @param bindDnTemplate         the DN to bind as, e.g. {@code uid=%u,ou=people,dc=example,dc=com}. Default empty.
 * @param searchBase             where to search for the user's entry, e.g. {@code ou=people,dc=example,dc=com}.
 *                               Default empty.
 * @param searchFilter           the filter that finds exactly one entry for the user. Default {@code (uid=%u)}.
 * @param searchBindDn           the account to search as; empty: an anonymous search. Default empty.
 * @param searchBindPasswordFile a file holding that account's password (trailing line breaks removed). Default
 *                               empty.
 * @param timeout                the longest wait for the directory: connecting, and each operation. Default 5 s.
 * @param threads                binds running at once (each on a thread of its own, never on a network thread);
 *                               up to 1,024 more wait, beyond that clients are refused with 0x89 Server busy.
 *                               Default 4.
 */
public record LdapConfig(String url, String bindDnTemplate, String searchBase, String searchFilter,
                         String searchBindDn, String searchBindPasswordFile, Duration timeout, int threads) {
    public static final LdapConfig DEFAULT = new LdapConfig("", "", "", "(uid=%u)", "", "", Duration.ofSeconds(5), 4);

    public LdapConfig {
        url = SecurityValues.text(url);
        bindDnTemplate = SecurityValues.text(bindDnTemplate);
        searchBase = SecurityValues.text(searchBase);
        searchFilter = SecurityValues.text(searchFilter);
        searchBindDn = SecurityValues.text(searchBindDn);
        searchBindPasswordFile = SecurityValues.text(searchBindPasswordFile);
        timeout = SecurityValues.positive(timeout, "security.ldap.timeout");
        if (threads < 1 || threads > 64) {
            throw new IllegalArgumentException("security.ldap.threads must be 1..64: " + threads);
        }
        if (!url.isEmpty()) {
            if (!url.startsWith("ldap://") && !url.startsWith("ldaps://")) {
                throw new IllegalArgumentException("security.ldap.url must start with ldap:// or ldaps://: " + url);
            }
            if (bindDnTemplate.isEmpty() == searchBase.isEmpty()) {
                throw new IllegalArgumentException(
                        "security.ldap: set exactly one of bind-dn-template and search-base");
            }
            if (!bindDnTemplate.isEmpty() && !bindDnTemplate.contains("%u")) {
                throw new IllegalArgumentException("security.ldap.bind-dn-template must contain %u: " + bindDnTemplate);
            }
            if (!searchBase.isEmpty() && !searchFilter.contains("%u")) {
                throw new IllegalArgumentException("security.ldap.search-filter must contain %u: " + searchFilter);
            }
            if (searchBindDn.isEmpty() != searchBindPasswordFile.isEmpty()) {
                throw new IllegalArgumentException(
                        "security.ldap: search-bind-dn and search-bind-password-file go together");
            }
        }
    }

    /** Whether LDAP authentication is on. */
    public boolean enabled() {
        return !url.isEmpty();
    }
}
