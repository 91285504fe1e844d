package io.starling.security;

import io.starling.broker.spi.Authorizer;
import io.starling.broker.spi.ClientInfo;
import io.starling.codec.QoS;
import io.starling.codec.SharedFilter;
import io.starling.security.AclFile.Access;
import io.starling.security.AclFile.Rule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Topic access control from a Mosquitto {@code acl_file} ({@link AclFile}), deciding as Mosquitto 2.0 does.
 * Once an ACL is configured, everything it does not grant is denied.
 *
 * <p>How one access (write = publish, read = receive a message) to a topic is decided, in this order:
 * <ol>
 *   <li>Topics starting with {@code $SYS} cannot be written (except {@code $SYS/broker/connection/+/state}, which
 *       Mosquitto keeps for bridges); topics starting with {@code $share} can be neither written nor read.</li>
 *   <li>The client's section: the one of its user name, or, for a client without user name, the rules before the
 *       first {@code user} line. No section and no {@code pattern} rule: denied.</li>
 *   <li>A {@code deny} rule of the section matching the topic: denied, wherever it stands in the file. Otherwise
 *       any rule of the section that matches and grants the access: allowed.</li>
 *   <li>Only when patterns exist: a user name or client id containing '+' or '#' is denied from here on (it could
 *       widen a pattern). '/' is accepted, as in Mosquitto 2.0.</li>
 *   <li>Patterns, after replacing every {@code %c} by the client id and {@code %u} by the user name (anywhere in the
 *       filter, not only as a whole level; patterns with {@code %u} are skipped for clients without user name): a
 *       matching {@code deny} pattern denies; otherwise a matching pattern granting the access allows.</li>
 *   <li>Denied.</li>
 * </ol>
 * A section's rules never match a '$' topic unless they start with '$' themselves.
 *
 * <p><b>Subscriptions.</b> Mosquitto's ACL file never refuses a SUBSCRIBE: it checks read access on each message
 * when it is about to be delivered (and on retained messages sent at subscription). The broker's {@link Authorizer}
 * today has no per-delivery check, so {@link #maySubscribe} is decided by {@link SubscribePolicy}: by default
 * ({@link SubscribePolicy#WHOLE_FILTER}) a filter is granted only when every topic it can match is readable, so no
 * message can ever reach a client that may not read it; this refuses some subscriptions Mosquitto would accept and
 * filter (e.g. {@code sensors/#} when only {@code sensors/+/temp} is readable). {@link #mayReceive} is Mosquitto's
 * per-message read check; with a broker that calls it on every delivery, {@link SubscribePolicy#LIKE_MOSQUITTO}
 * reproduces Mosquitto exactly. A shared subscription ({@code $share/group/filter}) is judged on its filter.
 *
 * <p>Decisions read one immutable snapshot and never block; a reload swaps the snapshot and applies to the next
 * decision, for connected clients too.
 */
public final class AclAuthorizer implements Authorizer, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AclAuthorizer.class);
    private static final String BRIDGE_STATE = "$SYS/broker/connection/+/state";

    /** How {@link #maySubscribe} decides; see the class documentation. */
    public enum SubscribePolicy {
        /** Grant a filter only when the ACL allows reading every topic it can match. Safe without a delivery check. */
        WHOLE_FILTER,
        /** Grant every filter, as Mosquitto does; only safe when the broker calls {@link #mayReceive} per message. */
        LIKE_MOSQUITTO
    }

    /**
     * @param reloadInterval  how often the file is checked for changes; zero: never
     * @param subscribePolicy how subscriptions are judged
     */
    public record Options(Duration reloadInterval, SubscribePolicy subscribePolicy) {
        public Options {
            if (reloadInterval == null || reloadInterval.isNegative()) {
                throw new IllegalArgumentException("reloadInterval must be zero or positive: " + reloadInterval);
            }
            Objects.requireNonNull(subscribePolicy, "subscribePolicy");
        }

        /** Checked for changes every 5 s; {@link SubscribePolicy#WHOLE_FILTER}. */
        public static Options defaults() {
            return new Options(Duration.ofSeconds(5), SubscribePolicy.WHOLE_FILTER);
        }

        public Options withReloadInterval(Duration interval) {
            return new Options(interval, subscribePolicy);
        }

        public Options withSubscribePolicy(SubscribePolicy policy) {
            return new Options(reloadInterval, policy);
        }
    }

    private final Supplier<CompiledAcl> acl;
    private final ReloadingFile<CompiledAcl> file;
    private final SubscribePolicy subscribePolicy;

    private AclAuthorizer(ReloadingFile<CompiledAcl> file, Supplier<CompiledAcl> acl, SubscribePolicy policy) {
        this.file = file;
        this.acl = acl;
        this.subscribePolicy = policy;
    }

    /**
     * Loads {@code aclFile} and starts watching it.
     *
     * @throws SecurityFileException when the file is missing, unreadable or has an invalid line
     */
    public static AclAuthorizer start(Path aclFile, Options options) {
        ReloadingFile<CompiledAcl> file = ReloadingFile.watch(aclFile, "ACL file",
                (path, content) -> new CompiledAcl(AclFile.parse(path, content)), options.reloadInterval());
        return new AclAuthorizer(file, file::current, options.subscribePolicy());
    }

    public static AclAuthorizer start(Path aclFile) {
        return start(aclFile, Options.defaults());
    }

    /** An authorizer over a fixed ACL, never reloaded. */
    public static AclAuthorizer of(AclFile aclFile, SubscribePolicy policy) {
        CompiledAcl compiled = new CompiledAcl(aclFile);
        return new AclAuthorizer(null, () -> compiled, policy);
    }

    /** The ACL in use. */
    public AclFile aclFile() {
        return acl.get().source;
    }

    public SubscribePolicy subscribePolicy() {
        return subscribePolicy;
    }

    /** Checks the file for changes now instead of waiting for the next poll; UNCHANGED for a fixed ACL. */
    public ReloadingFile.Outcome checkForChanges() {
        return file == null ? ReloadingFile.Outcome.UNCHANGED : file.check();
    }

    @Override
    public boolean mayPublish(ClientInfo client, String topicName, QoS qos, boolean retain) {
        boolean allowed = dollarRuleAllows(topicName, Access.WRITE) && acl.get().allows(client, topicName, Access.WRITE);
        if (!allowed) {
            LOG.debug("ACL: client '{}' (user {}) may not publish to '{}'", client.clientId(), client.username(),
                    topicName);
        }
        return allowed;
    }

    /**
     * Mosquitto's read check: whether a message published on {@code topicName} may be delivered to this client.
     * Meant to be called by the broker for every delivery, retained messages included (not yet part of the SPI).
     */
    public boolean mayReceive(ClientInfo client, String topicName, QoS qos, boolean retain) {
        return dollarRuleAllows(topicName, Access.READ) && acl.get().allows(client, topicName, Access.READ);
    }

    @Override
    public boolean maySubscribe(ClientInfo client, String topicFilter, QoS qos) {
        if (subscribePolicy == SubscribePolicy.LIKE_MOSQUITTO) {
            return true;
        }
        SharedFilter shared = SharedFilter.parse(topicFilter);
        String filter = shared != null ? shared.topicFilter() : topicFilter;
        boolean allowed = !filter.startsWith("$share") && acl.get().readableEverywhere(client, filter);
        if (!allowed) {
            LOG.debug("ACL: client '{}' (user {}) may not subscribe to '{}'", client.clientId(), client.username(),
                    topicFilter);
        }
        return allowed;
    }

    /** Mosquitto's checks of '$' topics, made before any ACL ({@code acl__check_dollar}). */
    private static boolean dollarRuleAllows(String topic, Access access) {
        if (topic.startsWith("$SYS")) {
            return access != Access.WRITE || Filters.matches(BRIDGE_STATE, topic);
        }
        return !topic.startsWith("$share");
    }

    @Override
    public void close() {
        if (file != null) {
            file.close();
        }
    }

    /** The rules arranged for decisions: per section, deny rules apart from the others. */
    static final class CompiledAcl {
        final AclFile source;
        private final Section anonymous;
        private final Map<String, Section> users = new HashMap<>();
        private final List<Pattern> denyPatterns = new ArrayList<>();
        private final List<Pattern> allowPatterns = new ArrayList<>();

        CompiledAcl(AclFile source) {
            this.source = source;
            this.anonymous = source.anonymousRules().isEmpty() ? null : new Section(source.anonymousRules());
            source.userRules().forEach((user, rules) -> users.put(user, new Section(rules)));
            for (Rule rule : source.patterns()) {
                (rule.access() == Access.DENY ? denyPatterns : allowPatterns).add(new Pattern(rule));
            }
        }

        private boolean hasPatterns() {
            return !denyPatterns.isEmpty() || !allowPatterns.isEmpty();
        }

        private Section sectionOf(ClientInfo client) {
            return client.username() == null ? anonymous : users.get(client.username());
        }

        /** Mosquitto's acl_file check for one access to one topic name. */
        boolean allows(ClientInfo client, String topic, Access wanted) {
            String[] topicLevels = Filters.levels(topic);
            Section section = sectionOf(client);
            if (section != null) {
                for (SectionRule deny : section.denies) {
                    if (Filters.matches(deny.levels, topicLevels)) {
                        return false;
                    }
                }
                for (SectionRule rule : section.grants) {
                    if (rule.access.grants(wanted) && Filters.matches(rule.levels, topicLevels)) {
                        return true;
                    }
                }
            }
            if (!hasPatterns() || !patternsUsable(client)) {
                return false;
            }
            for (Pattern deny : denyPatterns) {
                if (deny.appliesTo(client) && Filters.matches(deny.levelsFor(client), topicLevels)) {
                    return false;
                }
            }
            for (Pattern pattern : allowPatterns) {
                if (pattern.access.grants(wanted) && pattern.appliesTo(client)
                        && Filters.matches(pattern.levelsFor(client), topicLevels)) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Whether reading is allowed on every topic {@code filter} can match: the decision above, lifted from one
         * topic to a filter. Conservative: a filter whose topics are readable only through several different rules
         * together is refused.
         */
        boolean readableEverywhere(ClientInfo client, String filter) {
            String[] filterLevels = Filters.levels(filter);
            Section section = sectionOf(client);
            if (section != null) {
                for (SectionRule deny : section.denies) {
                    if (Filters.intersects(deny.levels, filterLevels)) {
                        return false;
                    }
                }
                for (SectionRule rule : section.grants) {
                    if (rule.access.grants(Access.READ) && Filters.covers(rule.levels, filterLevels)) {
                        return true;
                    }
                }
            }
            if (!hasPatterns() || !patternsUsable(client)) {
                return false;
            }
            for (Pattern deny : denyPatterns) {
                if (deny.appliesTo(client) && Filters.intersects(deny.levelsFor(client), filterLevels)) {
                    return false;
                }
            }
            for (Pattern pattern : allowPatterns) {
                if (pattern.access.grants(Access.READ) && pattern.appliesTo(client)
                        && Filters.covers(pattern.levelsFor(client), filterLevels)) {
                    return true;
                }
            }
            return false;
        }

        /**
         * A user name or client id with '+' or '#' could turn a pattern into a wider filter: Mosquitto denies such
         * clients everything patterns would decide.
         */
        private static boolean patternsUsable(ClientInfo client) {
            String user = client.username();
            String id = client.clientId();
            if (user != null && (user.indexOf('+') >= 0 || user.indexOf('#') >= 0)) {
                LOG.debug("ACL: user name '{}' contains '+' or '#': patterns do not apply to it", user);
                return false;
            }
            if (id == null || id.indexOf('+') >= 0 || id.indexOf('#') >= 0) {
                LOG.debug("ACL: client id '{}' contains '+' or '#': patterns do not apply to it", id);
                return false;
            }
            return true;
        }
    }

    /** A section rule, split into levels once. */
    private record SectionRule(Access access, String[] levels) {
        SectionRule(Rule rule) {
            this(rule.access(), Filters.levels(rule.filter()));
        }
    }

    /** One section's rules: deny rules apart, checked first, as Mosquitto orders them. */
    private static final class Section {
        final List<SectionRule> denies = new ArrayList<>();
        final List<SectionRule> grants = new ArrayList<>();

        Section(List<Rule> rules) {
            for (Rule rule : rules) {
                (rule.access() == Access.DENY ? denies : grants).add(new SectionRule(rule));
            }
        }
    }

    /** A pattern rule and its substitution. */
    private static final class Pattern {
        final String filter;
        final Access access;
        final boolean usesUsername;

        Pattern(Rule rule) {
            this.filter = rule.filter();
            this.access = rule.access();
            this.usesUsername = filter.contains("%u");
        }

        boolean appliesTo(ClientInfo client) {
            return !usesUsername || client.username() != null;
        }

        /**
         * The filter with every %c and %u replaced, scanning left to right as Mosquitto 2.0 does, then split (the
         * values may hold '/').
         */
        String[] levelsFor(ClientInfo client) {
            StringBuilder out = new StringBuilder(filter.length() + 16);
            for (int i = 0; i < filter.length(); i++) {
                char c = filter.charAt(i);
                if (c == '%' && i + 1 < filter.length()) {
                    char next = filter.charAt(i + 1);
                    if (next == 'c') {
                        out.append(client.clientId());
                        i++;
                        continue;
                    }
                    if (next == 'u' && client.username() != null) {
                        out.append(client.username());
                        i++;
                        continue;
                    }
                }
                out.append(c);
            }
            return Filters.levels(out.toString());
        }
    }
}
