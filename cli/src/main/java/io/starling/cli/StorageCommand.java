package io.starling.cli;

import io.starling.storage.rocksdb.StorageCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code starling storage check DIR}: verifies a data directory offline. */
@Command(name = "storage", mixinStandardHelpOptions = true, versionProvider = StarlingVersion.class,
        description = "Works on a broker's data directory while no broker has it open.",
        subcommands = StorageCommand.Check.class)
public final class StorageCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing command: check");
    }

    @Command(name = "check", mixinStandardHelpOptions = true, versionProvider = StarlingVersion.class,
            description = "Reads every record of a data directory and verifies its format version and checksums. "
                    + "The broker must not be running on it.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:the store is healthy", "1:the store is damaged, of an unknown format, or in use"})
    static final class Check implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "DIR", description = "The data directory (storage.data-directory).")
        Path dataDirectory;

        @Override
        public Integer call() {
            StorageCheck.Report report = StorageCheck.check(dataDirectory);
            PrintWriter out = spec.commandLine().getOut();
            out.print(report.describe());
            out.flush();
            return report.healthy() ? 0 : 1;
        }
    }
}
