package io.starling.cli;

import io.starling.security.PasswdTool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * {@code starling passwd}: creates and updates password files, as {@code mosquitto_passwd} does and in its format
 * (the logic is {@link PasswdTool} in the security module).
 */
@Command(name = "passwd", mixinStandardHelpOptions = true, versionProvider = StarlingVersion.class,
        sortOptions = false,
        customSynopsis = "starling passwd [-c] [-b] [-D] [-U] FILE [USER [PASSWORD]]",
        description = {"Manages a password file for the broker's security.password-file (or --password-file), in "
                + "the format of mosquitto_passwd: files are usable by both brokers.",
                "",
                "  starling passwd -c FILE USER           create FILE (replacing it) with USER, password asked twice",
                "  starling passwd FILE USER              add USER or change their password",
                "  starling passwd -b FILE USER PASSWORD  the same with the password on the command line",
                "  starling passwd -D FILE USER           delete USER",
                "  starling passwd -U FILE                hash the plain-text passwords of FILE in place",
                "",
                "Without -b the password is read twice: from the console without echo, or as two lines of "
                        + "standard input when there is no console. Every change is written atomically."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:failure (see the message)", "2:invalid options"})
public final class PasswdCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "-c", description = "Create a new file holding only USER, replacing any existing file.")
    boolean create;

    @Option(names = "-b", description = "Batch mode: the password is the third argument (visible to other users "
            + "of this machine in the process list and in the shell's history).")
    boolean batch;

    @Option(names = "-D", description = "Delete USER from the file.")
    boolean delete;

    @Option(names = "-U", description = "Hash every plain-text 'user:password' line of the file in place.")
    boolean update;

    @Parameters(index = "0", paramLabel = "FILE", description = "The password file.")
    Path file;

    @Parameters(index = "1", arity = "0..1", paramLabel = "USER", description = "The user name.")
    String user;

    @Parameters(index = "2", arity = "0..1", paramLabel = "PASSWORD", description = "The password, with -b only.")
    String password;

    /** Where passwords come from without -b; tests replace them. Null console: read standard input. */
    Console console = System.console();
    InputStream stdin = System.in;
    PrintStream prompts = System.out;

    @Override
    public Integer call() {
        validate();
        try {
            if (update) {
                int hashed = PasswdTool.hashPlainTextPasswords(file);
                spec.commandLine().getOut().println(hashed + (hashed == 1 ? " password" : " passwords")
                        + " hashed in " + file);
            } else if (delete) {
                if (!PasswdTool.deleteUser(file, user)) {
                    throw new CliException("user '" + user + "' not found in " + file);
                }
            } else {
                char[] secret = batch ? password.toCharArray() : readPassword();
                try {
                    PasswdTool.setPassword(file, user, secret, create);
                } finally {
                    Arrays.fill(secret, '\0');
                }
            }
        } catch (NoSuchFileException e) {
            throw new CliException(file + ": no such file" + (update || delete ? "" : " (-c creates it)"), e);
        } catch (AccessDeniedException e) {
            throw new CliException(file + ": permission denied", e);
        } catch (IllegalArgumentException e) {
            throw new CliException(Errors.oneLine(e.getMessage()), e);
        } catch (IOException e) {
            throw new CliException(file + ": " + Errors.oneLine(Errors.rootCauseMessage(e)), e);
        }
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** The combinations mosquitto_passwd accepts; anything else is a usage error (exit code 2). */
    private void validate() {
        if (update) {
            require(!create && !batch && !delete, "-U cannot be combined with -c, -b or -D");
            require(user == null, "-U takes only FILE");
            return;
        }
        require(user != null, "USER is missing");
        if (delete) {
            require(!create && !batch, "-D cannot be combined with -c or -b");
            require(password == null, "-D takes FILE and USER only");
            return;
        }
        if (batch) {
            require(password != null, "-b needs the password after USER");
        } else {
            require(password == null, "a password on the command line needs -b");
        }
    }

    private char[] readPassword() {
        try {
            if (console != null) {
                return PasswdTool.readNewPassword(console);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
            return PasswdTool.readNewPassword(reader, prompts);
        } catch (IOException endOfInput) {
            throw new CliException(Errors.oneLine(endOfInput.getMessage()), endOfInput);
        }
    }

    private void require(boolean condition, String message) {
        if (!condition) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }
}
