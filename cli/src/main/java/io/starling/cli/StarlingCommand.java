package io.starling.cli;

import io.starling.loadtool.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * The {@code starling} command: {@code broker}, {@code pub}, {@code sub} and {@code passwd}. Errors are one line,
 * "starling &lt;command&gt;: error: &lt;cause&gt;", on stderr, never a stack trace.
 */
@Command(name = "starling", mixinStandardHelpOptions = true, versionProvider = StarlingVersion.class,
        description = "Starling, a MQTT 3.1 / 3.1.1 / 5.0 broker, MQTT clients to publish and subscribe, a load "
                + "tool, a password file tool and a data directory check.",
        subcommands = {BrokerCommand.class, PubCommand.class, SubCommand.class, PasswdCommand.class,
                BenchCommand.class, StorageCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:failure (see the message)", "2:invalid options",
                "3:sub timed out (-W) before receiving -C messages"})
public final class StarlingCommand implements Callable<Integer> {

    /** Logback reads it (see logback.xml): where log lines go. */
    static final String LOG_TARGET_PROPERTY = "starling.log.target";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command: broker, pub, sub, bench, passwd or storage");
    }

    public static void main(String[] args) {
        // Before the first logger exists: pub and sub keep stdout for messages, so their (rare) logs go to stderr.
        boolean broker = args.length > 0 && args[0].equals("broker");
        System.setProperty(LOG_TARGET_PROPERTY, broker ? "System.out" : "System.err");
        System.exit(newCommandLine().execute(args));
    }

    /** The command line with Starling's error handling; tests execute it with their own out and err writers. */
    public static CommandLine newCommandLine() {
        CommandLine commandLine = new CommandLine(new StarlingCommand());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setParameterExceptionHandler(usageError());
        commandLine.setExecutionExceptionHandler(runtimeError());
        return commandLine;
    }

    private static IParameterExceptionHandler usageError() {
        return (exception, args) -> {
            CommandLine failed = exception.getCommandLine();
            // picocli starts some messages with "Error: "; ours already says it.
            printError(failed, Errors.oneLine(exception.getMessage()).replaceFirst("^Error: ", ""));
            return failed.getCommandSpec().exitCodeOnInvalidInput();
        };
    }

    private static IExecutionExceptionHandler runtimeError() {
        return (exception, failed, parseResult) -> {
            if (exception instanceof CliException known) {
                printError(failed, known.getMessage());
                return known.exitCode();
            }
            // Not foreseen, still one line: the class says more than a bare message.
            printError(failed, exception.getClass().getSimpleName() + ": " + Errors.rootCauseMessage(exception));
            return CliException.FAILED;
        };
    }

    private static void printError(CommandLine failed, String message) {
        failed.getErr().println(failed.getCommandSpec().qualifiedName() + ": error: " + message);
        failed.getErr().flush();
    }
}
