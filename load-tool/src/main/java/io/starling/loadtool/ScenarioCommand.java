package io.starling.loadtool;

import io.starling.loadtool.report.JsonLine;
import io.starling.loadtool.report.ReportTable;
import io.starling.loadtool.report.RunReport;
import io.starling.loadtool.scenario.RunSettings;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * What every {@code starling bench} scenario command does: build the settings from the options (an invalid
 * combination is a usage error, exit code 2), run, print the report, and exit 0 when the run is ok, 1 when it
 * failed (the JSON line then says why in {@code failure}).
 */
abstract class ScenarioCommand implements Callable<Integer> {
    static final int OK = 0;
    static final int FAILED = 1;

    @Spec
    CommandSpec spec;

    @Mixin
    TargetOptions target;

    /** Runs the scenario; {@link IllegalArgumentException} from the settings is reported as a usage error. */
    abstract RunReport run(RunSettings run);

    @Override
    public Integer call() {
        RunReport report;
        try {
            report = run(target.runSettings());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (target.output != TargetOptions.Output.JSON) {
            out.print(ReportTable.format(report));
        }
        if (target.output != TargetOptions.Output.TABLE) {
            out.println(JsonLine.format(report));
        }
        out.flush();
        return report.ok() ? OK : FAILED;
    }
}
