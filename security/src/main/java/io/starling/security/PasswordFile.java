package io.starling.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable snapshot of a Mosquitto password file: {@code user:hash} lines, as {@code mosquitto_passwd} writes
 * them, accepted as is.
 *
 * <p>Reading follows the Mosquitto 2.0 broker: a line starting with '#' is a comment; the user name is the text
 * before the first ':' and the hash the text up to the next ':', both trimmed of white space; when a user appears
 * twice, the later line wins. Lines Mosquitto would drop (no ':', an empty name, a hash it cannot decode, plain
 * text) are skipped here too, but never silently: each one is reported as {@code file:line: reason} and logged as a
 * warning. A file with no usable entry at all is refused, because it would lock every user out.
 */
public final class PasswordFile {
    private static final Logger LOG = LoggerFactory.getLogger(PasswordFile.class);
    private static final int MAX_USERNAME_BYTES = 65_535;

    private final Path source;
    private final Map<String, PasswordHash> users;
    private final List<String> problems;
    private final PasswordHash decoy;

    private PasswordFile(Path source, Map<String, PasswordHash> users, List<String> problems) {
        this.source = source;
        this.users = Collections.unmodifiableMap(users);
        this.problems = List.copyOf(problems);
        this.decoy = decoyFor(users);
    }

    /**
     * Reads and parses {@code file}.
     *
     * @throws SecurityFileException when the file cannot be read or holds no usable entry
     */
    public static PasswordFile load(Path file) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new SecurityFileException(file, "cannot read password file " + file + ": " + e, List.of(), e);
        }
        return parse(file, content);
    }

    /**
     * Parses the content of a password file; {@code source} only names it in messages.
     *
     * @throws SecurityFileException when the content holds no usable entry
     */
    public static PasswordFile parse(Path source, byte[] content) {
        Map<String, PasswordHash> users = new HashMap<>();
        Map<String, Integer> lineOfUser = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (TextLines.Line line : TextLines.split(content)) {
            String where = source + ":" + line.number() + ": ";
            String text = line.text();
            if (text == null) {
                problems.add(where + "not valid UTF-8, line skipped");
                continue;
            }
            if (text.startsWith("#") || TextLines.trim(text).isEmpty()) {
                continue;
            }
            int colon = text.indexOf(':');
            if (colon < 0) {
                problems.add(where + "no ':' between user name and password hash, line skipped");
                continue;
            }
            String user = TextLines.trim(text.substring(0, colon));
            int nextColon = text.indexOf(':', colon + 1);
            // Mosquitto reads the hash up to the next ':' (strtok) and ignores anything after it.
            String hashText = TextLines.trim(nextColon < 0 ? text.substring(colon + 1)
                    : text.substring(colon + 1, nextColon));
            if (user.isEmpty()) {
                problems.add(where + "empty user name, line skipped");
                continue;
            }
            if (TextLines.utf8Length(user) > MAX_USERNAME_BYTES) {
                problems.add(where + "user name longer than 65,535 bytes, line skipped");
                continue;
            }
            PasswordHash hash;
            try {
                hash = PasswordHash.parse(hashText);
            } catch (IllegalArgumentException e) {
                problems.add(where + "user '" + user + "': " + e.getMessage() + ", line skipped");
                continue;
            }
            Integer earlier = lineOfUser.put(user, line.number());
            if (earlier != null) {
                problems.add(where + "user '" + user + "' already appears on line " + earlier
                        + "; this later line is used, as Mosquitto does");
            }
            users.put(user, hash);
        }
        for (String problem : problems) {
            LOG.warn("Password file {}", problem);
        }
        if (users.isEmpty()) {
            throw new SecurityFileException(source, "password file " + source
                    + " has no usable entry (every client would be refused); create one with `starling passwd`",
                    problems);
        }
        return new PasswordFile(source, users, problems);
    }

    /** Where the snapshot was read from. */
    public Path source() {
        return source;
    }

    public Optional<PasswordHash> hashOf(String user) {
        return Optional.ofNullable(users.get(user));
    }

    public Set<String> users() {
        return users.keySet();
    }

    public int size() {
        return users.size();
    }

    /** Skipped lines and other findings, each {@code file:line: reason}; empty for a clean file. */
    public List<String> problems() {
        return problems;
    }

    /**
     * Whether {@code password} is the password of {@code user}. An unknown user costs the same hashing work as a
     * known one (against a decoy hash), so response times do not reveal which user names exist. Constant time in
     * the comparison of hashes.
     */
    public boolean verify(String user, byte[] password) {
        PasswordHash hash = users.get(user);
        if (hash == null) {
            decoy.matches(password);
            return false;
        }
        return hash.matches(password);
    }

    /** A hash nobody's password matches, as costly to check as the file's first PBKDF2 entry. */
    private static PasswordHash decoyFor(Map<String, PasswordHash> users) {
        int iterations = PasswordHash.DEFAULT_ITERATIONS;
        for (PasswordHash hash : users.values()) {
            if (hash instanceof PasswordHash.Pbkdf2Sha512 pbkdf2) {
                iterations = pbkdf2.iterations();
                break;
            }
        }
        SecureRandom random = new SecureRandom();
        byte[] salt = new byte[PasswordHash.SALT_LENGTH];
        byte[] hash = new byte[PasswordHash.HASH_LENGTH];
        random.nextBytes(salt);
        random.nextBytes(hash);
        return new PasswordHash.Pbkdf2Sha512(iterations, salt, hash);
    }

    @Override
    public String toString() {
        return "PasswordFile[" + source + ", " + users.size() + " users]";
    }
}
