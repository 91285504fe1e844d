package io.starling.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PasswordFileTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    private static String hashOf(String password) {
        return PasswordHash.create(password.getBytes(StandardCharsets.UTF_8), 101, RANDOM).format();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsEntriesCommentsAndBlankLines() throws IOException {
        Path file = dir.resolve("passwd");
        Files.writeString(file, "# users\n\nalice:" + hashOf("a") + "\r\n  bob  :  " + hashOf("b") + "  \n"
                + "ü ser:" + hashOf("u") + "\n");

        PasswordFile passwords = PasswordFile.load(file);

        assertThat(passwords.users()).containsExactlyInAnyOrder("alice", "bob", "ü ser");
        assertThat(passwords.problems()).isEmpty();
        assertThat(passwords.verify("alice", utf8("a"))).isTrue();
        assertThat(passwords.verify("bob", utf8("b"))).isTrue(); // name and hash trimmed, as Mosquitto does
        assertThat(passwords.verify("ü ser", utf8("u"))).isTrue();
        assertThat(passwords.verify("alice", utf8("b"))).isFalse();
        assertThat(passwords.verify("nobody", utf8("a"))).isFalse();
    }

    @Test
    void badLinesAreSkippedAndReportedWithFileAndLine() throws IOException {
        Path file = dir.resolve("passwd");
        byte[] notUtf8 = {'x', ':', (byte) 0xC3, (byte) 0x28, '\n'};
        Files.write(file, concat(utf8("alice:" + hashOf("a") + "\n"
                + "no colon here\n"
                + ":" + hashOf("x") + "\n"
                + "plain:text\n"
                + "future:$8$abc$def\n"
                + "broken:$7$101$AAAA$BBBB\n"), notUtf8, utf8("bob:" + hashOf("b") + "\n")));

        PasswordFile passwords = PasswordFile.load(file);

        assertThat(passwords.users()).containsExactlyInAnyOrder("alice", "bob");
        assertThat(passwords.problems()).hasSize(6);
        assertThat(passwords.problems().get(0)).startsWith(file + ":2: ").contains("no ':'");
        assertThat(passwords.problems().get(1)).startsWith(file + ":3: ").contains("empty user name");
        assertThat(passwords.problems().get(2)).startsWith(file + ":4: ").contains("plain-text");
        assertThat(passwords.problems().get(3)).startsWith(file + ":5: ").contains("$8$");
        assertThat(passwords.problems().get(4)).startsWith(file + ":6: ").contains("salt is 3 bytes");
        assertThat(passwords.problems().get(5)).startsWith(file + ":7: ").contains("UTF-8");
        assertThat(passwords.verify("bob", utf8("b"))).isTrue();
    }

    @Test
    void aRepeatedUserTakesTheLaterLineAsMosquittoDoes() throws IOException {
        Path file = dir.resolve("passwd");
        Files.writeString(file, "dup:" + hashOf("first") + "\ndup:" + hashOf("second") + "\n");

        PasswordFile passwords = PasswordFile.load(file);

        assertThat(passwords.verify("dup", utf8("second"))).isTrue();
        assertThat(passwords.verify("dup", utf8("first"))).isFalse();
        assertThat(passwords.problems()).singleElement().asString()
                .startsWith(file + ":2: ").contains("already appears on line 1");
    }

    @Test
    void textAfterASecondColonIsIgnoredAsMosquittoDoes() throws IOException {
        Path file = dir.resolve("passwd");
        Files.writeString(file, "alice:" + hashOf("a") + ":whatever\n");

        assertThat(PasswordFile.load(file).verify("alice", utf8("a"))).isTrue();
    }

    @Test
    void missingFileIsAClearErrorAtStart() {
        Path missing = dir.resolve("nope");

        assertThatThrownBy(() -> PasswordFile.load(missing))
                .isInstanceOf(SecurityFileException.class)
                .hasMessageContaining("cannot read password file " + missing);
    }

    @Test
    void emptyFileIsAClearErrorAtStart() throws IOException {
        Path file = Files.writeString(dir.resolve("passwd"), "# nothing yet\n\n");

        assertThatThrownBy(() -> PasswordFile.load(file))
                .isInstanceOf(SecurityFileException.class)
                .hasMessageContaining("has no usable entry");
    }

    @Test
    void fileWithOnlyBadLinesIsAnErrorListingThem() throws IOException {
        Path file = Files.writeString(dir.resolve("passwd"), "alice:secret\n");

        assertThatThrownBy(() -> PasswordFile.load(file))
                .isInstanceOf(SecurityFileException.class)
                .hasMessageContaining("has no usable entry")
                .hasMessageContaining(file + ":1: user 'alice': not a password hash")
                .satisfies(e -> assertThat(((SecurityFileException) e).problems()).hasSize(1));
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
