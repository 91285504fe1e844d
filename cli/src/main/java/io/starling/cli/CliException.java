package io.starling.cli;

/**
 * A command failed for a reason the user can act on: the message is shown as it is, on one line, after
 * "starling &lt;command&gt;: error: ", and the process exits with {@link #exitCode()}.
 */
final class CliException extends RuntimeException {

    /** Something went wrong at run time: unreachable broker, refused CONNECT or PUBLISH, lost connection. */
    static final int FAILED = 1;
    /** {@code sub} stopped at its {@code --timeout} before receiving {@code --count} messages. */
    static final int TIMED_OUT = 3;

    private final int exitCode;

    CliException(String message) {
        this(message, FAILED);
    }

    CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    CliException(String message, Throwable cause) {
        super(message, cause);
        this.exitCode = FAILED;
    }

    int exitCode() {
        return exitCode;
    }
}
