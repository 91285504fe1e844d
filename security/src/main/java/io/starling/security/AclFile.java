package io.starling.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable snapshot of a Mosquitto {@code acl_file}. Syntax, exactly as Mosquitto 2.0 reads it:
 * <pre>
 * # comment (only when '#' is the first character of the line)
 * topic [read|write|readwrite|deny] &lt;filter&gt;     rule for the current section
 * user &lt;name&gt;                                       starts the section of that user (the rest of the line, trimmed)
 * pattern [read|write|readwrite|deny] &lt;filter&gt;   rule for every client, %c = client id, %u = user name
 * </pre>
 * Words are separated by spaces (not tabs); the access word may be left out (then it is readwrite, and the filter
 * is the single word after {@code topic}: {@code topic read} is readwrite access to the topic "read", as in
 * Mosquitto); the filter is the rest of the line, trimmed, and may contain spaces. {@code topic} lines before the
 * first {@code user} line form the section for anonymous clients (no user name) only, not for everyone; a user
 * named in several {@code user} lines has one section made of all of them. {@code pattern} lines apply to all
 * clients wherever they appear.
 *
 * <p>Unlike the password file, an ACL file with any invalid line is refused as a whole (Mosquitto refuses to start):
 * skipping a {@code deny} line would grant access nobody meant to grant. Every invalid line is reported.
 */
public final class AclFile {
    private static final Logger LOG = LoggerFactory.getLogger(AclFile.class);
    private static final int MAX_LEVEL_SEPARATORS = 200; // Mosquitto's TOPIC_HIERARCHY_LIMIT
    private static final int MAX_FILTER_BYTES = 65_535;

    /** The access a rule grants, or {@link #DENY} which takes access away. */
    public enum Access {
        DENY(0), READ(1), WRITE(2), READWRITE(3);

        private final int bits;

        Access(int bits) {
            this.bits = bits;
        }

        /** Whether this grants everything {@code wanted} asks for (DENY grants nothing). */
        public boolean grants(Access wanted) {
            return wanted.bits != 0 && (bits & wanted.bits) == wanted.bits;
        }

        static Optional<Access> parse(String word) {
            return switch (word) {
                case "read" -> Optional.of(READ);
                case "write" -> Optional.of(WRITE);
                case "readwrite" -> Optional.of(READWRITE);
                case "deny" -> Optional.of(DENY);
                default -> Optional.empty();
            };
        }
    }

    /** One {@code topic} or {@code pattern} line. */
    public record Rule(Access access, String filter, int line) {
    }

    private final Path source;
    private final List<Rule> anonymousRules;
    private final Map<String, List<Rule>> userRules;
    private final List<Rule> patterns;

    private AclFile(Path source, List<Rule> anonymousRules, Map<String, List<Rule>> userRules, List<Rule> patterns) {
        this.source = source;
        this.anonymousRules = List.copyOf(anonymousRules);
        Map<String, List<Rule>> copy = new LinkedHashMap<>();
        userRules.forEach((user, rules) -> copy.put(user, List.copyOf(rules)));
        this.userRules = Collections.unmodifiableMap(copy);
        this.patterns = List.copyOf(patterns);
    }

    /**
     * Reads and parses {@code file}.
     *
     * @throws SecurityFileException when the file cannot be read or has any invalid line
     */
    public static AclFile load(Path file) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new SecurityFileException(file, "cannot read ACL file " + file + ": " + e, List.of(), e);
        }
        return parse(file, content);
    }

    /**
     * Parses the content of an ACL file; {@code source} only names it in messages.
     *
     * @throws SecurityFileException listing every invalid line
     */
    public static AclFile parse(Path source, byte[] content) {
        List<Rule> anonymous = new ArrayList<>();
        Map<String, List<Rule>> users = new LinkedHashMap<>();
        List<Rule> patterns = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        List<Rule> section = anonymous;
        for (TextLines.Line line : TextLines.split(content)) {
            String where = source + ":" + line.number() + ": ";
            if (line.text() == null) {
                errors.add(where + "not valid UTF-8");
                continue;
            }
            String text = TextLines.trimEnd(line.text());
            if (text.startsWith("#")) {
                continue; // a comment only when '#' is the very first character (Mosquitto)
            }
            int keywordStart = skipSpaces(text, 0);
            if (keywordStart == text.length()) {
                continue;
            }
            int keywordEnd = nextSpace(text, keywordStart);
            String keyword = text.substring(keywordStart, keywordEnd);
            switch (keyword) {
                case "topic", "pattern" -> {
                    Rule rule = parseRule(text, keywordEnd, line.number(), where, errors);
                    if (rule == null) {
                        continue;
                    }
                    if (keyword.equals("topic")) {
                        section.add(rule);
                    } else {
                        if (!rule.filter().contains("%c") && !rule.filter().contains("%u")) {
                            LOG.warn("ACL file {}pattern '{}' contains neither %c nor %u", where, rule.filter());
                        }
                        patterns.add(rule);
                    }
                }
                case "user" -> {
                    String user = rest(text, keywordEnd);
                    if (user == null) {
                        errors.add(where + "'user' without a user name");
                        continue;
                    }
                    section = users.computeIfAbsent(user, name -> new ArrayList<>());
                }
                default -> errors.add(where + "unknown keyword '" + keyword
                        + "' (expected topic, pattern or user; words are separated by spaces)");
            }
        }
        if (!errors.isEmpty()) {
            throw new SecurityFileException(source, "invalid ACL file " + source + " (" + errors.size()
                    + (errors.size() == 1 ? " error)" : " errors)"), errors);
        }
        if (anonymous.isEmpty() && users.values().stream().allMatch(List::isEmpty) && patterns.isEmpty()) {
            LOG.warn("ACL file {} has no rule: every publish and every read is denied", source);
        }
        return new AclFile(source, anonymous, users, patterns);
    }

    /** {@code topic|pattern [access] filter}, from just after the keyword. */
    private static Rule parseRule(String text, int from, int number, String where, List<String> errors) {
        int accessStart = skipSpaces(text, from);
        if (accessStart == text.length()) {
            errors.add(where + "no topic filter");
            return null;
        }
        int accessEnd = nextSpace(text, accessStart);
        String first = text.substring(accessStart, accessEnd);
        String filter = rest(text, accessEnd);
        Access access;
        if (filter == null) {
            access = Access.READWRITE; // a single word: it is the filter
            filter = first;
        } else {
            Optional<Access> parsed = Access.parse(first);
            if (parsed.isEmpty()) {
                errors.add(where + "invalid access '" + first + "' (expected read, write, readwrite or deny)");
                return null;
            }
            access = parsed.get();
        }
        String invalid = filterProblem(filter);
        if (invalid != null) {
            errors.add(where + "invalid topic filter '" + filter + "': " + invalid);
            return null;
        }
        return new Rule(access, filter, number);
    }

    /**
     * The text after the single space that ends the previous word, trimmed; null when nothing is left. (Mosquitto
     * uses strtok_r with an empty delimiter set here.)
     */
    private static String rest(String text, int wordEnd) {
        if (wordEnd >= text.length()) {
            return null;
        }
        String rest = TextLines.trim(text.substring(wordEnd + 1));
        return rest.isEmpty() ? null : rest;
    }

    private static int skipSpaces(String text, int from) {
        int i = from;
        while (i < text.length() && text.charAt(i) == ' ') {
            i++;
        }
        return i;
    }

    private static int nextSpace(String text, int from) {
        int space = text.indexOf(' ', from);
        return space < 0 ? text.length() : space;
    }

    /** Mosquitto's mosquitto_sub_topic_check: wildcards as whole levels, '#' last, size limits. Null when valid. */
    static String filterProblem(String filter) {
        int separators = 0;
        for (int i = 0; i < filter.length(); i++) {
            char c = filter.charAt(i);
            boolean levelStart = i == 0 || filter.charAt(i - 1) == '/';
            if (c == '+') {
                if (!levelStart || (i + 1 < filter.length() && filter.charAt(i + 1) != '/')) {
                    return "'+' must be a whole level";
                }
            } else if (c == '#') {
                if (!levelStart || i + 1 < filter.length()) {
                    return "'#' must be the whole last level";
                }
            } else if (c == '/') {
                separators++;
            }
        }
        if (TextLines.utf8Length(filter) > MAX_FILTER_BYTES) {
            return "longer than 65,535 bytes";
        }
        if (separators > MAX_LEVEL_SEPARATORS) {
            return "more than " + MAX_LEVEL_SEPARATORS + " levels";
        }
        return null;
    }

    public Path source() {
        return source;
    }

    /** Rules before the first {@code user} line: they apply to clients without a user name only. */
    public List<Rule> anonymousRules() {
        return anonymousRules;
    }

    /** The section of each user named in a {@code user} line, rules in file order. */
    public Map<String, List<Rule>> userRules() {
        return userRules;
    }

    /** {@code pattern} rules, in file order. */
    public List<Rule> patterns() {
        return patterns;
    }

    @Override
    public String toString() {
        return "AclFile[" + source + ", " + userRules.size() + " users, " + patterns.size() + " patterns]";
    }
}
