package io.mockstagram.config;

/** Bad configuration: the message names the flag or variable and says what is wrong with it. */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
