package io.starling.interop;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.jupiter.api.extension.TestWatcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records the outcome of every (target, step) test and writes the matrix as Markdown to
 * {@code target/interop/matrix.md} when the class is done: docs/interop.md shows a run of it. The target comes
 * from the invocation's argument, the step from the method's {@link Step.Column}.
 */
public final class MatrixReport implements InvocationInterceptor, TestWatcher, AfterAllCallback {

    private record Cell(Target target, Step step) {
    }

    private record Outcome(boolean passed, String detail) {
    }

    private final Map<String, Cell> cellsByTestId = new ConcurrentHashMap<>();
    private final Map<Cell, Outcome> outcomes = new ConcurrentHashMap<>();

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation,
                                            ReflectiveInvocationContext<Method> invocationContext,
                                            ExtensionContext extensionContext) throws Throwable {
        Step.Column column = invocationContext.getExecutable().getAnnotation(Step.Column.class);
        if (column != null && !invocationContext.getArguments().isEmpty()
                && invocationContext.getArguments().get(0) instanceof Target target) {
            cellsByTestId.put(extensionContext.getUniqueId(), new Cell(target, column.value()));
        }
        invocation.proceed();
    }

    @Override
    public void testSuccessful(ExtensionContext context) {
        record(context, new Outcome(true, null));
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        record(context, new Outcome(false, firstLine(cause)));
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        record(context, new Outcome(false, "aborted: " + firstLine(cause)));
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        // nothing in this module is disabled
    }

    private void record(ExtensionContext context, Outcome outcome) {
        Cell cell = cellsByTestId.get(context.getUniqueId());
        if (cell != null) {
            outcomes.put(cell, outcome);
        }
    }

    private static String firstLine(Throwable cause) {
        String message = String.valueOf(cause.getMessage());
        String line = message.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("");
        line = line.replace("|", "\\|");
        return cause.getClass().getSimpleName() + ": " + (line.length() > 300 ? line.substring(0, 300) + "..." : line);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        String directory = System.getProperty("interop.report.dir");
        if (directory == null || outcomes.isEmpty()) {
            return;
        }
        try {
            Path file = Path.of(directory, "matrix.md");
            Files.createDirectories(file.getParent());
            Files.writeString(file, markdown(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the interop matrix", e);
        }
    }

    private String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("| Client | MQTT |");
        for (Step step : Step.values()) {
            out.append(' ').append(step.label()).append(" |");
        }
        out.append('\n').append("|---|---|");
        out.append("---|".repeat(Step.values().length)).append('\n');
        for (Target target : Target.all()) {
            out.append("| ").append(target.client().label()).append(" | ").append(target.version().label())
                    .append(" |");
            for (Step step : Step.values()) {
                Outcome outcome = outcomes.get(new Cell(target, step));
                out.append(' ').append(outcome == null ? "not run" : outcome.passed() ? "pass" : "**FAIL**")
                        .append(" |");
            }
            out.append('\n');
        }
        out.append("\nFailures:\n\n");
        boolean any = false;
        for (Target target : Target.all()) {
            for (Step step : Step.values()) {
                Outcome outcome = outcomes.get(new Cell(target, step));
                if (outcome != null && !outcome.passed()) {
                    any = true;
                    out.append("- ").append(target).append(", ").append(step.label()).append(": ")
                            .append(outcome.detail()).append('\n');
                }
            }
        }
        if (!any) {
            out.append("- none\n");
        }
        out.append("\nClient versions:\n\n");
        Prerequisites.versions().forEach((client, version) ->
                out.append("- ").append(client).append(": ").append(version).append('\n'));
        return out.toString();
    }
}
