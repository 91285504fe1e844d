package io.starling.security;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The logic of {@code starling passwd}, the counterpart of {@code mosquitto_passwd}: files it writes are read by
 * Mosquitto and by {@link PasswordFile} alike.
 *
 * <ul>
 *   <li>Entries are written as {@code user:$7$<iterations>$<salt>$<hash>}: PBKDF2-HMAC-SHA512, a fresh random
 *       12-byte salt, {@value PasswordHash#DEFAULT_ITERATIONS} iterations by default as {@code mosquitto_passwd}
 *       2.0 does (a higher count can be given; the count is stored in each entry).</li>
 *   <li>Updating a file changes only the lines of the user concerned: comments, blank lines, other users and lines
 *       this tool does not understand are kept as they are ({@code mosquitto_passwd} 2.0 rewrites such a file
 *       with only the new entry). When a user appears on several lines, the first is replaced and the others
 *       are removed.</li>
 *   <li>Every write is atomic: a temporary file in the same directory, flushed to disk, then renamed over the
 *       file. A new file gets permissions 0600; an existing file keeps its permissions, and its owner and group
 *       when the tool runs as root.</li>
 *   <li>User names: not empty, no ':' and no control character, at most 65,535 bytes; passwords at most 65,535
 *       bytes (the MQTT limits, and mosquitto_passwd's).</li>
 * </ul>
 * Not safe against two writers at once on the same file (neither is mosquitto_passwd): the last rename wins.
 */
public final class PasswdTool {
    private static final int MAX_BYTES = 65_535;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private PasswdTool() {
    }

    /**
     * Sets the password of {@code user} with the default iteration count.
     *
     * @param create true: write a new file holding only this user, replacing any existing file (like
     *               {@code mosquitto_passwd -c}); false: update the existing file, adding the user if absent
     * @throws NoSuchFileException      when {@code create} is false and the file does not exist
     * @throws IllegalArgumentException for an invalid user name or password
     */
    public static void setPassword(Path file, String user, char[] password, boolean create) throws IOException {
        setPassword(file, user, password, create, PasswordHash.DEFAULT_ITERATIONS);
    }

    /** As {@link #setPassword(Path, String, char[], boolean)} with an explicit PBKDF2 iteration count. */
    public static void setPassword(Path file, String user, char[] password, boolean create, int iterations)
            throws IOException {
        checkUser(user);
        if (iterations < 1) {
            throw new IllegalArgumentException("the number of iterations must be at least 1");
        }
        byte[] passwordBytes = utf8(password);
        try {
            if (passwordBytes.length > MAX_BYTES) {
                throw new IllegalArgumentException("the password must be at most 65,535 bytes");
            }
            setEntry(file, user, PasswordHash.create(passwordBytes, iterations, RANDOM).format(), create);
        } finally {
            Arrays.fill(passwordBytes, (byte) 0);
        }
    }

    /**
     * Writes {@code user:secret} with the rules above (same line handling, atomic write, permissions): also used
     * for other files of {@code user:secret} lines, such as SCRAM credential files.
     *
     * @param create true: a new file holding only this entry; false: update the existing file
     * @throws NoSuchFileException      when {@code create} is false and the file does not exist
     * @throws IllegalArgumentException for an invalid user name
     */
    public static void setEntry(Path file, String user, String secret, boolean create) throws IOException {
        checkUser(user);
        String entry = user + ":" + secret;
        if (create) {
            writeAtomically(file, List.of(entry), true);
            return;
        }
        List<String> lines = readLines(file);
        List<String> updated = new ArrayList<>(lines.size() + 1);
        boolean replaced = false;
        for (String line : lines) {
            if (user.equals(userOf(line))) {
                if (!replaced) {
                    updated.add(entry);
                    replaced = true;
                }
            } else {
                updated.add(line);
            }
        }
        if (!replaced) {
            updated.add(entry);
        }
        writeAtomically(file, updated, false);
    }

    /**
     * Removes every line of {@code user}.
     *
     * @return false when the file has no such user (the file is then left untouched)
     * @throws NoSuchFileException when the file does not exist
     */
    public static boolean deleteUser(Path file, String user) throws IOException {
        List<String> lines = readLines(file);
        List<String> kept = new ArrayList<>(lines.size());
        for (String line : lines) {
            if (!user.equals(userOf(line))) {
                kept.add(line);
            }
        }
        if (kept.size() == lines.size()) {
            return false;
        }
        writeAtomically(file, kept, false);
        return true;
    }

    /**
     * Hashes a file of plain-text {@code user:password} lines in place (like {@code mosquitto_passwd -U}). Lines
     * already holding a {@code $6$} or {@code $7$} hash are left alone (mosquitto_passwd would hash the hash).
     *
     * @return how many passwords were hashed
     */
    public static int hashPlainTextPasswords(Path file) throws IOException {
        List<String> lines = readLines(file);
        List<String> updated = new ArrayList<>(lines.size());
        int hashed = 0;
        for (String line : lines) {
            String user = userOf(line);
            if (user == null) {
                updated.add(line);
                continue;
            }
            // What Mosquitto compares a plain-text entry with: the text up to the next ':', trimmed.
            String afterColon = line.substring(line.indexOf(':') + 1);
            int nextColon = afterColon.indexOf(':');
            String secret = TextLines.trim(nextColon < 0 ? afterColon : afterColon.substring(0, nextColon));
            if (secret.startsWith("$6$") || secret.startsWith("$7$")) {
                updated.add(line);
                continue;
            }
            byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
            updated.add(user + ":" + PasswordHash.create(bytes, PasswordHash.DEFAULT_ITERATIONS, RANDOM).format());
            Arrays.fill(bytes, (byte) 0);
            hashed++;
        }
        if (hashed > 0) {
            writeAtomically(file, updated, false);
        }
        return hashed;
    }

    /**
     * Asks for a new password twice on the console, without echo.
     *
     * @throws IllegalArgumentException when the two differ or the password is empty
     * @throws IOException              when the console is closed (end of input)
     */
    public static char[] readNewPassword(Console console) throws IOException {
        char[] first = console.readPassword("Password: ");
        char[] second = first == null ? null : console.readPassword("Reenter password: ");
        return confirmed(first, second);
    }

    /**
     * Reads a new password twice, one per line, from {@code in} (standard input without a console, e.g. a pipe);
     * prompts go to {@code prompts}.
     */
    public static char[] readNewPassword(BufferedReader in, PrintStream prompts) throws IOException {
        prompts.print("Password: ");
        prompts.flush();
        String first = in.readLine();
        prompts.print("Reenter password: ");
        prompts.flush();
        String second = first == null ? null : in.readLine();
        prompts.println();
        return confirmed(first == null ? null : first.toCharArray(), second == null ? null : second.toCharArray());
    }

    private static char[] confirmed(char[] first, char[] second) throws IOException {
        try {
            if (first == null || second == null) {
                throw new IOException("no password given (end of input)");
            }
            if (!Arrays.equals(first, second)) {
                throw new IllegalArgumentException("passwords do not match");
            }
            if (first.length == 0) {
                throw new IllegalArgumentException("empty password");
            }
            return first.clone();
        } finally {
            if (first != null) {
                Arrays.fill(first, '\0');
            }
            if (second != null) {
                Arrays.fill(second, '\0');
            }
        }
    }

    /** The rules of mosquitto_passwd for user names. */
    static void checkUser(String user) {
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("the user name must not be empty");
        }
        if (user.indexOf(':') >= 0) {
            throw new IllegalArgumentException("the user name must not contain ':'");
        }
        if (user.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("the user name must not contain control characters");
        }
        if (!user.equals(TextLines.trim(user))) {
            // The file format trims names: " bob" could never log in as " bob".
            throw new IllegalArgumentException("the user name must not start or end with white space");
        }
        if (TextLines.utf8Length(user) > MAX_BYTES) {
            throw new IllegalArgumentException("the user name must be at most 65,535 bytes");
        }
    }

    /** The user of an entry line as the broker reads it, or null for comments, blank and colon-less lines. */
    private static String userOf(String line) {
        if (line.startsWith("#")) {
            return null;
        }
        int colon = line.indexOf(':');
        if (colon < 0) {
            return null;
        }
        String user = TextLines.trim(line.substring(0, colon));
        return user.isEmpty() ? null : user;
    }

    private static List<String> readLines(Path file) throws IOException {
        byte[] content = Files.readAllBytes(file); // NoSuchFileException when missing, as documented
        List<String> lines = new ArrayList<>();
        for (TextLines.Line line : TextLines.split(content)) {
            if (line.text() == null) {
                throw new IOException(file + ":" + line.number() + ": not valid UTF-8; fix the file by hand");
            }
            lines.add(line.text());
        }
        return lines;
    }

    private static byte[] utf8(char[] password) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        Arrays.fill(encoded.array(), (byte) 0);
        return bytes;
    }

    /** Writes {@code lines} to a temporary file beside {@code file}, forces it to disk, then renames it over. */
    static void writeAtomically(Path file, List<String> lines, boolean fresh) throws IOException {
        // Through a symbolic link, the file it points to is replaced, not the link (mosquitto_passwd does the same).
        Path target = Files.exists(file) ? file.toRealPath() : file.toAbsolutePath();
        Path directory = target.getParent();
        boolean posix = Files.getFileAttributeView(directory, PosixFileAttributeView.class) != null;
        PosixFileAttributes previous = posix && !fresh && Files.exists(target)
                ? Files.readAttributes(target, PosixFileAttributes.class) : null;
        Path temp = createTemp(directory, target.getFileName().toString(), posix);
        try {
            StringBuilder text = new StringBuilder();
            for (String line : lines) {
                text.append(line).append('\n');
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = StandardCharsets.UTF_8.encode(text.toString());
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            if (previous != null) {
                keepOwnership(temp, previous);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * The new file gets the old one's mode, and its owner and group when allowed (as root): editing the broker's
     * password file as root must not leave a file the broker can no longer read.
     */
    private static void keepOwnership(Path temp, PosixFileAttributes previous) throws IOException {
        Files.setPosixFilePermissions(temp, previous.permissions());
        PosixFileAttributeView view = Files.getFileAttributeView(temp, PosixFileAttributeView.class);
        PosixFileAttributes now = view.readAttributes();
        try {
            if (!now.group().equals(previous.group())) {
                view.setGroup(previous.group());
            }
            if (!now.owner().equals(previous.owner())) {
                view.setOwner(previous.owner());
            }
        } catch (FileSystemException e) {
            // not allowed for an ordinary user: the file then belongs to whoever ran the tool, like any new file
        }
    }

    private static Path createTemp(Path directory, String name, boolean posix) throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            Path temp = directory.resolve("." + name + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
            try {
                return posix ? Files.createFile(temp, PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                        : Files.createFile(temp);
            } catch (FileAlreadyExistsException e) {
                // another name
            }
        }
        throw new IOException("cannot create a temporary file in " + directory);
    }
}
