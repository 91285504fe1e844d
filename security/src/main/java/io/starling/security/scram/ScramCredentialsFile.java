package io.starling.security.scram;

import io.starling.security.PasswdTool;
import io.starling.security.SecurityFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A file of SCRAM-SHA-256 credentials, one {@code user:SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>}
 * line per user ({@link ScramCredential#format()}), read like a Mosquitto password file: {@code #} starts a comment
 * line, blank lines are ignored, the user name is the text before the first {@code :} (trimmed), a later line for
 * the same user wins. A line that cannot be used is skipped with a warning naming it; a file without a single usable
 * entry is refused. Written by {@link #setPassword}.
 */
public final class ScramCredentialsFile {
    private static final Logger LOG = LoggerFactory.getLogger(ScramCredentialsFile.class);

    private final Path source;
    private final Map<String, ScramCredential> byUser;

    private ScramCredentialsFile(Path source, Map<String, ScramCredential> byUser) {
        this.source = source;
        this.byUser = Map.copyOf(byUser);
    }

    /** For {@link io.starling.security.ReloadingFile}: parses the content, or throws {@link SecurityFileException}. */
    public static ScramCredentialsFile parse(Path source, byte[] content) {
        Map<String, ScramCredential> byUser = new HashMap<>();
        List<String> skipped = new ArrayList<>();
        String[] lines = new String(content, StandardCharsets.UTF_8).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            String user = colon < 0 ? "" : line.substring(0, colon).strip();
            if (user.isEmpty()) {
                skipped.add(source + ":" + (i + 1) + ": expected user:" + ScramCredential.PREFIX + "...");
                continue;
            }
            try {
                byUser.put(user, ScramCredential.parse(line.substring(colon + 1).strip()));
            } catch (IllegalArgumentException e) {
                skipped.add(source + ":" + (i + 1) + ": " + e.getMessage());
            }
        }
        skipped.forEach(problem -> LOG.warn("Skipping SCRAM credential line {}", problem));
        if (byUser.isEmpty()) {
            throw new SecurityFileException(source, "SCRAM credentials file " + source + " has no usable entry",
                    skipped);
        }
        return new ScramCredentialsFile(source, byUser);
    }

    /** The user's credential, or null. */
    public ScramCredential credential(String user) {
        return byUser.get(user);
    }

    public int size() {
        return byUser.size();
    }

    public Path source() {
        return source;
    }

    /**
     * Sets {@code user}'s SCRAM-SHA-256 credential for {@code password} (fresh salt), with the line handling, atomic
     * write and permissions of {@link PasswdTool}: the tool method that creates and updates these files.
     *
     * @param create true: a new file holding only this user; false: update the existing file
     */
    public static void setPassword(Path file, String user, char[] password, boolean create, int iterations)
            throws IOException {
        byte[] bytes = new String(password).getBytes(StandardCharsets.UTF_8);
        try {
            PasswdTool.setEntry(file, user, ScramCredential.create(bytes, iterations).format(), create);
        } finally {
            java.util.Arrays.fill(bytes, (byte) 0);
        }
    }

    /** As {@link #setPassword(Path, String, char[], boolean, int)} with {@value ScramCredential#DEFAULT_ITERATIONS}. */
    public static void setPassword(Path file, String user, char[] password, boolean create) throws IOException {
        setPassword(file, user, password, create, ScramCredential.DEFAULT_ITERATIONS);
    }

    @Override
    public String toString() {
        return "ScramCredentialsFile[" + source + ", " + byUser.size() + " users]";
    }
}
