package io.starling.security;

import java.nio.file.Path;
import java.util.List;

/**
 * A password file or ACL file that cannot be used: missing, unreadable, empty, or (for an ACL) with invalid lines.
 * The message names the file and, for each problem, its line, so that it can be shown to the operator as is.
 */
public final class SecurityFileException extends RuntimeException {
    private final Path file;
    private final List<String> problems;

    public SecurityFileException(Path file, String message, List<String> problems, Throwable cause) {
        super(compose(message, problems), cause);
        this.file = file;
        this.problems = List.copyOf(problems);
    }

    public SecurityFileException(Path file, String message, List<String> problems) {
        this(file, message, problems, null);
    }

    private static String compose(String message, List<String> problems) {
        if (problems.isEmpty()) {
            return message;
        }
        return message + System.lineSeparator() + "  " + String.join(System.lineSeparator() + "  ", problems);
    }

    public Path file() {
        return file;
    }

    /** One entry per offending line, each {@code file:line: what is wrong}. */
    public List<String> problems() {
        return problems;
    }
}
