package io.starling.broker.config;

/**
 * A configuration file cannot be used: unreadable, not YAML, an unknown key, a value of the wrong type or out of
 * range. The message is one line that names the file and the key, fit to show an operator as it is.
 */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
