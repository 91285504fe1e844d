package io.starling.security.ldap;

import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import com.unboundid.util.ssl.HostNameSSLSocketVerifier;
import com.unboundid.util.ssl.JVMDefaultTrustManager;
import com.unboundid.util.ssl.SSLUtil;
import io.starling.broker.spi.AuthenticationRequest;
import io.starling.broker.spi.AuthenticationResult;
import io.starling.broker.spi.Authenticator;
import io.starling.codec.ReasonCode;
import io.starling.security.WorkerPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import javax.net.SocketFactory;

/**
 * User name and password checked by an LDAP simple bind (RFC 4513 section 5.1.3), with the UnboundID LDAP SDK.
 *
 * <ul>
 *   <li><b>Which DN.</b> Either a template ({@code uid=%u,ou=people,dc=example,dc=com}, the user name escaped as an
 *       RDN value, RFC 4514 section 2.4), or a search: under a base, with a filter ({@code (uid=%u)}, the user name
 *       escaped as a filter value, RFC 4515 section 3), as a service account or anonymously; exactly one entry must
 *       be found, whose DN is then bound with the client's password.</li>
 *   <li><b>The anonymous-bind trap.</b> A simple bind with a DN and an empty password is an "unauthenticated bind"
 *       (RFC 4513 section 5.1.2) that many servers accept as anonymous. An empty or absent password, or an absent
 *       user name, is refused here without contacting the directory.</li>
 *   <li><b>Answers.</b> Bind succeeded: accepted under the presented user name, with attribute {@value #DN_ATTRIBUTE}
 *       (the bound DN). Wrong password, unknown user, no or several entries found: 0x86 Bad User Name or Password
 *       (MQTT 3.x: return code 4), the same for all so that user names cannot be probed. Directory unreachable, timed
 *       out or busy, or the service account refused: 0x88 Server unavailable (return code 3), logged as an error
 *       naming the URL.</li>
 *   <li><b>Threads.</b> The SDK blocks, so each check runs on a small pool of its own, never on a network thread;
 *       a full queue refuses with 0x89 Server busy. Every check opens its own connection and closes it (no pooled
 *       connection can be left bound as a user); connecting and each operation are bounded by the timeout.</li>
 *   <li><b>TLS.</b> With {@code ldaps://}, the directory's certificate is checked against the JVM's trusted
 *       certificates and its host name.</li>
 * </ul>
 */
public final class LdapAuthenticator implements Authenticator, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LdapAuthenticator.class);
    /** The attribute holding the DN the client was bound as. */
    public static final String DN_ATTRIBUTE = "ldap.dn";
    static final String REFUSAL_REASON = "bad user name or password";
    private static final Set<ResultCode> CREDENTIAL_PROBLEMS = Set.of(ResultCode.INVALID_CREDENTIALS,
            ResultCode.NO_SUCH_OBJECT, ResultCode.INVALID_DN_SYNTAX, ResultCode.INAPPROPRIATE_AUTHENTICATION,
            ResultCode.UNWILLING_TO_PERFORM);
    private static final Set<ResultCode> UNAVAILABLE = Set.of(ResultCode.CONNECT_ERROR, ResultCode.SERVER_DOWN,
            ResultCode.TIMEOUT, ResultCode.UNAVAILABLE, ResultCode.BUSY, ResultCode.LOCAL_ERROR);

    /**
     * @param url                {@code ldap://host:port} or {@code ldaps://host:port}
     * @param bindDnTemplate     the DN to bind as, with {@code %u}; null when searching
     * @param searchBase         where to search for the user; null with a template
     * @param searchFilter       the search filter, with {@code %u}
     * @param searchBindDn       the account to search as, or null for an anonymous search
     * @param searchBindPassword that account's password, or null
     * @param timeout            the longest wait for connecting and for each operation
     * @param threads            checks running at once
     * @param queueCapacity      checks that may wait; beyond that, 0x89 Server busy
     */
    public record Options(String url, String bindDnTemplate, String searchBase, String searchFilter,
                          String searchBindDn, String searchBindPassword, Duration timeout, int threads,
                          int queueCapacity) {
        public Options {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(timeout, "timeout");
            if ((bindDnTemplate == null) == (searchBase == null)) {
                throw new IllegalArgumentException("set exactly one of bindDnTemplate and searchBase");
            }
            if (bindDnTemplate != null && !bindDnTemplate.contains("%u")) {
                throw new IllegalArgumentException("the bind DN template must contain %u: " + bindDnTemplate);
            }
            if (searchBase != null && (searchFilter == null || !searchFilter.contains("%u"))) {
                throw new IllegalArgumentException("the search filter must contain %u: " + searchFilter);
            }
            if ((searchBindDn == null) != (searchBindPassword == null)) {
                throw new IllegalArgumentException("searchBindDn and searchBindPassword go together");
            }
            if (threads < 1 || queueCapacity < 1) {
                throw new IllegalArgumentException("threads and queueCapacity must be at least 1");
            }
        }

        /** Bind as the DN the template gives; 5 s timeout, 4 threads, 1,024 waiting. */
        public static Options bindDn(String url, String bindDnTemplate) {
            return new Options(url, bindDnTemplate, null, null, null, null, Duration.ofSeconds(5), 4, 1024);
        }

        /** Search for the user's DN (anonymously, or as the given account when not null), then bind. */
        public static Options searchThenBind(String url, String searchBase, String searchFilter, String searchBindDn,
                                             String searchBindPassword) {
            return new Options(url, null, searchBase, searchFilter, searchBindDn, searchBindPassword,
                    Duration.ofSeconds(5), 4, 1024);
        }

        public Options withTimeout(Duration newTimeout) {
            return new Options(url, bindDnTemplate, searchBase, searchFilter, searchBindDn, searchBindPassword,
                    newTimeout, threads, queueCapacity);
        }

        public Options withThreads(int newThreads, int newQueueCapacity) {
            return new Options(url, bindDnTemplate, searchBase, searchFilter, searchBindDn, searchBindPassword,
                    timeout, newThreads, newQueueCapacity);
        }
    }

    /** A check that ended without a decision on the credentials: the directory could not be used. */
    private static final class DirectoryUnavailable extends Exception {
        DirectoryUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Options options;
    private final LDAPURL url;
    private final SocketFactory sockets;
    private final ExecutorService binders;

    private LdapAuthenticator(Options options, LDAPURL url, SocketFactory sockets) {
        this.options = options;
        this.url = url;
        this.sockets = sockets;
        this.binders = WorkerPool.bounded("starling-ldap", options.threads(), options.queueCapacity());
    }

    /**
     * @throws IllegalArgumentException when the URL is not an LDAP URL or TLS cannot be set up
     */
    public static LdapAuthenticator start(Options options) {
        LDAPURL url;
        try {
            url = new LDAPURL(options.url());
        } catch (LDAPException e) {
            throw new IllegalArgumentException("invalid LDAP URL " + options.url() + ": " + e.getMessage(), e);
        }
        SocketFactory sockets = SocketFactory.getDefault();
        if ("ldaps".equalsIgnoreCase(url.getScheme())) {
            try {
                sockets = new SSLUtil(JVMDefaultTrustManager.getInstance()).createSSLSocketFactory();
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("cannot set up TLS for " + options.url() + ": " + e.getMessage(), e);
            }
        } else if (!"ldap".equalsIgnoreCase(url.getScheme())) {
            throw new IllegalArgumentException("LDAP URL must start with ldap:// or ldaps://: " + options.url());
        }
        return new LdapAuthenticator(options, url, sockets);
    }

    @Override
    public CompletionStage<AuthenticationResult> authenticate(AuthenticationRequest request) {
        String user = request.username();
        byte[] password = request.password();
        if (user == null || user.isEmpty() || password == null || password.length == 0) {
            // RFC 4513 section 5.1.2: a DN with an empty password is an unauthenticated (anonymous) bind.
            LOG.debug("Client '{}' refused without asking the directory: empty user name or password",
                    request.clientId());
            return CompletableFuture.completedFuture(refused());
        }
        CompletableFuture<AuthenticationResult> result = new CompletableFuture<>();
        try {
            binders.execute(() -> result.complete(check(request.clientId(), user, password.clone())));
        } catch (RejectedExecutionException e) {
            LOG.warn("LDAP checks overloaded (or stopped): CONNECT of client '{}' refused with Server Busy",
                    request.clientId());
            return CompletableFuture.completedFuture(AuthenticationResult.refuse(ReasonCode.SERVER_BUSY,
                    "too many authentications in progress, try again later"));
        }
        return result;
    }

    private AuthenticationResult check(String clientId, String user, byte[] password) {
        try (LDAPConnection connection = connect()) {
            String dn = options.bindDnTemplate() != null
                    ? options.bindDnTemplate().replace("%u", escapeDnValue(user))
                    : search(connection, user);
            if (dn == null) {
                LOG.debug("Client '{}' refused: no single directory entry for user '{}'", clientId, user);
                return refused();
            }
            connection.bind(new SimpleBindRequest(dn, password));
            return AuthenticationResult.accept(user, null, Map.of(DN_ATTRIBUTE, List.of(dn)));
        } catch (LDAPException e) {
            if (CREDENTIAL_PROBLEMS.contains(e.getResultCode())) {
                LOG.debug("Client '{}' refused by the directory for user '{}': {}", clientId, user,
                        e.getResultCode());
                return refused();
            }
            return unavailable(clientId, "the bind failed: " + e.getMessage(), e);
        } catch (DirectoryUnavailable e) {
            return unavailable(clientId, e.getMessage(), e.getCause());
        } catch (RuntimeException e) {
            LOG.error("LDAP check of client '{}' failed", clientId, e);
            return AuthenticationResult.refuse(ReasonCode.UNSPECIFIED_ERROR, "directory check failed");
        } finally {
            java.util.Arrays.fill(password, (byte) 0);
        }
    }

    private LDAPConnection connect() throws DirectoryUnavailable {
        LDAPConnectionOptions connectionOptions = new LDAPConnectionOptions();
        int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, options.timeout().toMillis());
        connectionOptions.setConnectTimeoutMillis(timeoutMillis);
        connectionOptions.setResponseTimeoutMillis(timeoutMillis);
        connectionOptions.setAbandonOnTimeout(true);
        if ("ldaps".equalsIgnoreCase(url.getScheme())) {
            connectionOptions.setSSLSocketVerifier(new HostNameSSLSocketVerifier(true));
        }
        try {
            return new LDAPConnection(sockets, connectionOptions, url.getHost(), url.getPort());
        } catch (LDAPException e) {
            throw new DirectoryUnavailable("cannot connect: " + e.getMessage(), e);
        }
    }

    /** The DN of the single entry the search finds for {@code user}, or null when there is none or several. */
    private String search(LDAPConnection connection, String user) throws DirectoryUnavailable {
        try {
            if (options.searchBindDn() != null) {
                connection.bind(options.searchBindDn(), options.searchBindPassword());
            }
        } catch (LDAPException e) {
            throw new DirectoryUnavailable("the search account " + options.searchBindDn() + " cannot bind: "
                    + e.getMessage(), e);
        }
        try {
            Filter filter = Filter.create(options.searchFilter().replace("%u", Filter.encodeValue(user)));
            SearchRequest search = new SearchRequest(options.searchBase(), SearchScope.SUB, filter, "1.1");
            search.setSizeLimit(2);
            search.setTimeLimitSeconds((int) Math.max(1, options.timeout().toSeconds()));
            SearchResult result = connection.search(search);
            return result.getEntryCount() == 1 ? result.getSearchEntries().get(0).getDN() : null;
        } catch (LDAPException e) {
            if (ResultCode.SIZE_LIMIT_EXCEEDED.equals(e.getResultCode())
                    || ResultCode.NO_SUCH_OBJECT.equals(e.getResultCode())) {
                return null; // several entries, or no such base: no single user
            }
            throw new DirectoryUnavailable("the search failed: " + e.getMessage(), e);
        }
    }

    private AuthenticationResult unavailable(String clientId, String why, Throwable cause) {
        ResultCode code = cause instanceof LDAPException ldap ? ldap.getResultCode() : null;
        if (code != null && !UNAVAILABLE.contains(code)) {
            LOG.error("LDAP directory {}: {} (result {}); client '{}' refused with Server unavailable", options.url(),
                    why, code, clientId);
        } else {
            LOG.error("LDAP directory {} unavailable: {}; client '{}' refused with Server unavailable", options.url(),
                    why, clientId);
        }
        return AuthenticationResult.refuse(ReasonCode.SERVER_UNAVAILABLE, "directory unavailable");
    }

    private static AuthenticationResult refused() {
        return AuthenticationResult.refuse(ReasonCode.BAD_USER_NAME_OR_PASSWORD, REFUSAL_REASON);
    }

    /**
     * Escapes a value for use inside an RDN (RFC 4514 section 2.4): '"', '+', ',', ';', '<', '>', '\' and '='
     * anywhere, a leading '#' or space, a trailing space, and NUL (as \00).
     */
    static String escapeDnValue(String value) {
        StringBuilder escaped = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean first = i == 0;
            boolean last = i == value.length() - 1;
            if (c == '\0') {
                escaped.append("\\00");
            } else if ("\"+,;<>\\=".indexOf(c) >= 0 || (first && (c == '#' || c == ' ')) || (last && c == ' ')) {
                escaped.append('\\').append(c);
            } else {
                escaped.append(c);
            }
        }
        return escaped.toString();
    }

    /** Stops the check threads; later CONNECTs are refused with Server busy. */
    @Override
    public void close() {
        binders.shutdown();
    }

    @Override
    public String toString() {
        return "LdapAuthenticator[" + options.url() + "]";
    }
}
