package io.starling.cli;

import io.starling.cli.Cli.Result;
import io.starling.security.PasswordFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PasswdCommandTest {

    @TempDir
    Path dir;

    @Test
    void createWritesOneHashedEntryAndReplacesAnExistingFile() throws IOException {
        Path file = Files.writeString(dir.resolve("passwd"), "old:$7$101$c2FsdHNhbHRzYWx0$xx\n");

        assertThat(Cli.run("passwd", "-c", "-b", file.toString(), "alice", "s3cret")).isEqualTo(new Result(0, "", ""));

        PasswordFile passwords = read(file);
        assertThat(passwords.users()).containsExactly("alice");
        assertThat(passwords.verify("alice", bytes("s3cret"))).isTrue();
        assertThat(passwords.verify("alice", bytes("wrong"))).isFalse();
        assertThat(Files.readString(file)).startsWith("alice:$7$101$").doesNotContain("s3cret");
    }

    @Test
    void batchAddsAUserAndChangesAPasswordKeepingTheRest() throws IOException {
        Path file = dir.resolve("passwd");
        Cli.run("passwd", "-c", "-b", file.toString(), "alice", "one");
        Files.writeString(file, "# devices\n" + Files.readString(file));

        assertThat(Cli.run("passwd", "-b", file.toString(), "bob", "two").exitCode()).isZero();
        assertThat(Cli.run("passwd", "-b", file.toString(), "alice", "three").exitCode()).isZero();

        PasswordFile passwords = read(file);
        assertThat(passwords.users()).containsExactlyInAnyOrder("alice", "bob");
        assertThat(passwords.verify("alice", bytes("three"))).isTrue();
        assertThat(passwords.verify("alice", bytes("one"))).isFalse();
        assertThat(passwords.verify("bob", bytes("two"))).isTrue();
        assertThat(Files.readAllLines(file).get(0)).isEqualTo("# devices");
    }

    @Test
    void deleteRemovesTheUserAndReportsAnUnknownOne() throws IOException {
        Path file = dir.resolve("passwd");
        Cli.run("passwd", "-c", "-b", file.toString(), "alice", "one");
        Cli.run("passwd", "-b", file.toString(), "bob", "two");

        assertThat(Cli.run("passwd", "-D", file.toString(), "alice")).isEqualTo(new Result(0, "", ""));
        assertThat(read(file).users()).containsExactly("bob");

        assertThat(Cli.run("passwd", "-D", file.toString(), "alice")).isEqualTo(new Result(1, "",
                "starling passwd: error: user 'alice' not found in " + file + "\n"));
    }

    @Test
    void updateHashesPlainTextPasswordsInPlace() throws IOException {
        Path file = Files.writeString(dir.resolve("passwd"), "alice:one\nbob: two \n");

        assertThat(Cli.run("passwd", "-U", file.toString()))
                .isEqualTo(new Result(0, "2 passwords hashed in " + file + "\n", ""));

        PasswordFile passwords = read(file);
        assertThat(passwords.verify("alice", bytes("one"))).isTrue();
        assertThat(passwords.verify("bob", bytes("two"))).isTrue();
        assertThat(Cli.run("passwd", "-U", file.toString()).out()).isEqualTo("0 passwords hashed in " + file + "\n");
    }

    @Test
    void interactivePasswordIsReadTwiceFromStandardInput() throws IOException {
        Path file = dir.resolve("passwd");
        ByteArrayOutputStream prompts = new ByteArrayOutputStream();

        Result result = runWithInput("pw-1\npw-1\n", prompts, "passwd", "-c", file.toString(), "alice");

        assertThat(result).isEqualTo(new Result(0, "", ""));
        assertThat(prompts.toString(StandardCharsets.UTF_8)).contains("Password: ", "Reenter password: ");
        assertThat(read(file).verify("alice", bytes("pw-1"))).isTrue();
    }

    @Test
    void mismatchedOrMissingPasswordIsRefusedAndTheFileLeftAlone() throws IOException {
        Path file = dir.resolve("passwd");
        Cli.run("passwd", "-c", "-b", file.toString(), "alice", "one");
        String before = Files.readString(file);

        assertThat(runWithInput("pw-1\npw-2\n", new ByteArrayOutputStream(), "passwd", file.toString(), "alice"))
                .isEqualTo(new Result(1, "", "starling passwd: error: passwords do not match\n"));
        assertThat(runWithInput("", new ByteArrayOutputStream(), "passwd", file.toString(), "alice").err())
                .isEqualTo("starling passwd: error: no password given (end of input)\n");
        assertThat(runWithInput("\n\n", new ByteArrayOutputStream(), "passwd", file.toString(), "alice"))
                .isEqualTo(new Result(1, "", "starling passwd: error: empty password\n"));
        assertThat(Files.readString(file)).isEqualTo(before);
    }

    @Test
    void runtimeErrorsAreOneLineWithExitCode1() {
        Path missing = dir.resolve("missing");

        assertThat(Cli.run("passwd", "-b", missing.toString(), "alice", "x")).isEqualTo(new Result(1, "",
                "starling passwd: error: " + missing + ": no such file (-c creates it)\n"));
        assertThat(Cli.run("passwd", "-D", missing.toString(), "alice")).isEqualTo(new Result(1, "",
                "starling passwd: error: " + missing + ": no such file\n"));
        assertThat(Cli.run("passwd", "-c", "-b", missing.toString(), "al:ice", "x")).isEqualTo(new Result(1, "",
                "starling passwd: error: the user name must not contain ':'\n"));
        assertThat(missing).doesNotExist();
    }

    @Test
    void invalidCombinationsAreUsageErrors() {
        Path file = dir.resolve("passwd");
        List<List<String>> invalid = List.of(
                List.of("passwd"),
                List.of("passwd", file.toString()),
                List.of("passwd", "-U", "-c", file.toString()),
                List.of("passwd", "-U", file.toString(), "alice"),
                List.of("passwd", "-D", "-b", file.toString(), "alice"),
                List.of("passwd", "-D", file.toString(), "alice", "pw"),
                List.of("passwd", "-b", file.toString(), "alice"),
                List.of("passwd", file.toString(), "alice", "pw"),
                List.of("passwd", "-x", file.toString(), "alice"));
        for (List<String> args : invalid) {
            Result result = Cli.run(args.toArray(String[]::new));

            assertThat(result.exitCode()).as("%s: %s", args, result).isEqualTo(2);
            assertThat(result.err()).as("%s", args).startsWith("starling passwd: error: ").hasLineCount(1);
        }
        assertThat(file).doesNotExist();
    }

    @Test
    void helpShowsTheSynopsisAndEveryOption() {
        Result help = Cli.run("passwd", "--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("starling passwd [-c] [-b] [-D] [-U] FILE [USER [PASSWORD]]",
                "  -c ", "  -b ", "  -D ", "  -U ");
        assertThat(Cli.run("--help").out()).contains("passwd");
    }

    private static Result runWithInput(String stdin, ByteArrayOutputStream prompts, String... args) {
        return Cli.run(commandLine -> {
            PasswdCommand passwd = commandLine.getSubcommands().get("passwd").getCommand();
            passwd.console = null;
            passwd.stdin = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
            passwd.prompts = new PrintStream(prompts, true, StandardCharsets.UTF_8);
        }, args);
    }

    private static PasswordFile read(Path file) throws IOException {
        return PasswordFile.parse(file, Files.readAllBytes(file));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
