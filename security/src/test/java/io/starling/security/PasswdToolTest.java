package io.starling.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PasswdToolTest {

    @TempDir
    Path dir;

    private static boolean verifies(Path file, String user, String password) {
        return PasswordFile.load(file).verify(user, password.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void createWritesOneEntryInMosquittoFormatWithOwnerOnlyPermissions() throws IOException {
        Path file = dir.resolve("passwd");

        PasswdTool.setPassword(file, "alice", "secret".toCharArray(), true);

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).singleElement().asString().matches("alice:\\$7\\$101\\$[A-Za-z0-9+/]{16}\\$[A-Za-z0-9+/=]{88}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(verifies(file, "alice", "secret")).isTrue();
    }

    @Test
    void createReplacesAnExistingFile() throws IOException {
        Path file = dir.resolve("passwd");
        PasswdTool.setPassword(file, "alice", "a".toCharArray(), true);

        PasswdTool.setPassword(file, "bob", "b".toCharArray(), true);

        assertThat(PasswordFile.load(file).users()).containsExactly("bob");
    }

    @Test
    void eachEntryGetsItsOwnSalt() throws IOException {
        Path file = dir.resolve("passwd");
        PasswdTool.setPassword(file, "alice", "same".toCharArray(), true);
        PasswdTool.setPassword(file, "bob", "same".toCharArray(), false);

        List<String> lines = Files.readAllLines(file);
        assertThat(lines.get(0).substring("alice:".length())).isNotEqualTo(lines.get(1).substring("bob:".length()));
    }

    @Test
    void updateChangesOnlyTheUsersLineAndKeepsEverythingElse() throws IOException {
        Path file = dir.resolve("passwd");
        PasswdTool.setPassword(file, "alice", "old".toCharArray(), true);
        String aliceLine = Files.readAllLines(file).get(0);
        Files.writeString(file, "# devices\n" + aliceLine + "\n\nsomething odd\nbob:" + aliceLine.substring(6)
                + "\nalice:duplicate\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));

        PasswdTool.setPassword(file, "alice", "new".toCharArray(), false);
        PasswdTool.setPassword(file, "carol", "c".toCharArray(), false);

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(6);
        assertThat(lines.get(0)).isEqualTo("# devices");
        assertThat(lines.get(1)).startsWith("alice:$7$").isNotEqualTo(aliceLine);
        assertThat(lines.subList(2, 5)).containsExactly("", "something odd", "bob:" + aliceLine.substring(6));
        assertThat(lines.get(5)).startsWith("carol:$7$"); // new users are appended; the duplicate alice is gone
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
        assertThat(verifies(file, "alice", "new")).isTrue();
        assertThat(verifies(file, "bob", "old")).isTrue();
        assertThat(verifies(file, "carol", "c")).isTrue();
    }

    @Test
    void updateThroughASymbolicLinkReplacesTheTargetAndKeepsTheLink() throws IOException {
        Path real = dir.resolve("real-passwd");
        PasswdTool.setPassword(real, "alice", "a".toCharArray(), true);
        Path link = Files.createSymbolicLink(dir.resolve("passwd"), real);

        PasswdTool.setPassword(link, "bob", "b".toCharArray(), false);

        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(verifies(real, "bob", "b")).isTrue();
    }

    @Test
    void updateKeepsOwnerAndGroupWhenAllowed() throws IOException {
        Path file = dir.resolve("passwd");
        PasswdTool.setPassword(file, "alice", "a".toCharArray(), true);
        PosixFileAttributes before = Files.readAttributes(file, PosixFileAttributes.class);
        boolean root = "root".equals(before.owner().getName());
        UserPrincipal owner = before.owner();
        GroupPrincipal group = before.group();
        if (root) { // hand the file to another account, as a broker running under its own user would have it
            UserPrincipalLookupService lookup = file.getFileSystem().getUserPrincipalLookupService();
            owner = lookup.lookupPrincipalByName("nobody");
            group = lookup.lookupPrincipalByGroupName("nogroup");
            Files.setOwner(file, owner);
            Files.getFileAttributeView(file, PosixFileAttributeView.class).setGroup(group);
        }

        PasswdTool.setPassword(file, "bob", "b".toCharArray(), false);

        PosixFileAttributes after = Files.readAttributes(file, PosixFileAttributes.class);
        assertThat(after.owner()).isEqualTo(owner);
        assertThat(after.group()).isEqualTo(group);
        assertThat(PosixFilePermissions.toString(after.permissions())).isEqualTo("rw-------");
    }

    @Test
    void updateOfAMissingFileFails() {
        Path missing = dir.resolve("missing");

        assertThatThrownBy(() -> PasswdTool.setPassword(missing, "alice", "a".toCharArray(), false))
                .isInstanceOf(NoSuchFileException.class);
        assertThat(missing).doesNotExist();
    }

    @Test
    void higherIterationCountIsStoredInTheEntry() throws IOException {
        Path file = dir.resolve("passwd");

        PasswdTool.setPassword(file, "alice", "a".toCharArray(), true, 5000);

        assertThat(Files.readString(file)).startsWith("alice:$7$5000$");
        assertThat(verifies(file, "alice", "a")).isTrue();
    }

    @Test
    void deleteRemovesEveryLineOfTheUser() throws IOException {
        Path file = dir.resolve("passwd");
        PasswdTool.setPassword(file, "alice", "a".toCharArray(), true);
        PasswdTool.setPassword(file, "bob", "b".toCharArray(), false);
        Files.writeString(file, Files.readString(file) + "alice:extra\n");

        assertThat(PasswdTool.deleteUser(file, "alice")).isTrue();
        assertThat(PasswdTool.deleteUser(file, "alice")).isFalse();
        assertThat(PasswdTool.deleteUser(file, "nobody")).isFalse();

        assertThat(Files.readAllLines(file)).singleElement().asString().startsWith("bob:");
    }

    @Test
    void invalidUserNamesAndPasswordsAreRefused() {
        Path file = dir.resolve("passwd");

        for (String bad : new String[] {"", "a:b", "tab\there", "new\nline", " lead", "trail "}) {
            assertThatThrownBy(() -> PasswdTool.setPassword(file, bad, "x".toCharArray(), true))
                    .as("user name %s", bad).isInstanceOf(IllegalArgumentException.class);
        }
        char[] tooLong = new char[65_536];
        java.util.Arrays.fill(tooLong, 'x');
        assertThatThrownBy(() -> PasswdTool.setPassword(file, "alice", tooLong, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65,535");
        assertThat(file).doesNotExist();
    }

    @Test
    void writesLeaveNoTemporaryFileBehind() throws IOException {
        Path file = dir.resolve("passwd");
        PasswdTool.setPassword(file, "alice", "a".toCharArray(), true);
        PasswdTool.setPassword(file, "bob", "b".toCharArray(), false);
        PasswdTool.deleteUser(file, "bob");

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void plainTextFileIsHashedInPlace() throws IOException {
        Path file = dir.resolve("passwd");
        PasswdTool.setPassword(file, "hashed", "h".toCharArray(), true);
        Files.writeString(file, "# plain\nalice: a-pass \n" + Files.readString(file) + "bob:b:ignored\n");

        assertThat(PasswdTool.hashPlainTextPasswords(file)).isEqualTo(2);

        assertThat(verifies(file, "alice", "a-pass")).isTrue();
        assertThat(verifies(file, "bob", "b")).isTrue();
        assertThat(verifies(file, "hashed", "h")).isTrue();
        assertThat(Files.readAllLines(file).get(0)).isEqualTo("# plain");
        assertThat(PasswdTool.hashPlainTextPasswords(file)).isZero();
    }

    @Test
    void passwordReadTwiceFromStandardInput() throws IOException {
        ByteArrayOutputStream prompts = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(prompts, true, StandardCharsets.UTF_8);

        char[] password = PasswdTool.readNewPassword(new BufferedReader(new StringReader("s3cret\ns3cret\n")), out);

        assertThat(new String(password)).isEqualTo("s3cret");
        assertThat(prompts.toString(StandardCharsets.UTF_8)).contains("Password: ").contains("Reenter password: ");
        assertThatThrownBy(() -> PasswdTool.readNewPassword(new BufferedReader(new StringReader("a\nb\n")), out))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("passwords do not match");
        assertThatThrownBy(() -> PasswdTool.readNewPassword(new BufferedReader(new StringReader("\n\n")), out))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("empty password");
        assertThatThrownBy(() -> PasswdTool.readNewPassword(new BufferedReader(new StringReader("only-once\n")), out))
                .isInstanceOf(IOException.class).hasMessageContaining("end of input");
    }
}
