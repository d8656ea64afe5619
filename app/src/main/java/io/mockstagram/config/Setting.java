package io.mockstagram.config;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A value and where it came from, so that an error can name the flag or variable to fix.
 * Flags override environment variables, which override defaults.
 */
public record Setting(String value, String source) {

    /** Resolves one setting: the flag if given, else the first variable set, else the default. */
    public static Setting resolve(String flagValue, String flag, Map<String, String> env, String defaultValue,
                                  String... variables) {
        if (flagValue != null) {
            return new Setting(flagValue, flag);
        }
        for (String variable : variables) {
            String fromEnv = env.get(variable);
            if (fromEnv != null && !fromEnv.isBlank()) {
                return new Setting(fromEnv.trim(), variable);
            }
        }
        return new Setting(defaultValue, flag + " (default)");
    }

    public Optional<String> optional() {
        return Optional.ofNullable(value);
    }

    /** Converts the value, turning any failure into a message that names the source. */
    public <T> T as(Function<String, T> parser, String expected) {
        try {
            return parser.apply(value);
        } catch (RuntimeException e) {
            throw new ConfigException(source + "='" + value + "' is not " + expected
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    public ConfigException error(String problem) {
        return new ConfigException(source + "='" + value + "': " + problem);
    }
}
