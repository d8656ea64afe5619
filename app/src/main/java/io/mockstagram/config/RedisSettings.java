package io.mockstagram.config;

import io.lettuce.core.RedisURI;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;

/**
 * Where Redis is. {@code REDIS_URL} takes {@code redis://} and {@code rediss://} with
 * {@code user:password@}; the original deployment's {@code REDIS_HOST} is honoured too.
 */
public record RedisSettings(RedisURI uri, Setting setting) {

    public static final String DEFAULT_URL = "redis://localhost:6379";

    public static RedisSettings resolve(String flagValue, Map<String, String> env) {
        Setting setting = Setting.resolve(flagValue, "--redis-url", env, null, "REDIS_URL");
        if (setting.value() == null) {
            String host = env.get("REDIS_HOST");
            setting = host == null || host.isBlank()
                    ? new Setting(DEFAULT_URL, "--redis-url (default)")
                    : new Setting("redis://" + host.trim() + (host.contains(":") ? "" : ":6379"), "REDIS_HOST");
        }
        return new RedisSettings(parse(setting), setting);
    }

    static RedisURI parse(Setting setting) {
        String value = setting.value();
        if (!value.startsWith("redis://") && !value.startsWith("rediss://")) {
            throw setting.error("a Redis URL starts with redis:// or rediss://, as in redis://localhost:6379");
        }
        // Lettuce's own parser is lenient ("redis://:6379" becomes host ":6379"), so check the shape first.
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw setting.error("not a URL: " + e.getReason());
        }
        if (uri.getHost() == null) {
            throw setting.error("the URL names no host, or its port is not a number");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (!path.isEmpty() && !path.matches("/\\d*")) {
            throw setting.error("the database after the port must be a number, as in redis://localhost:6379/0");
        }
        return setting.as(RedisURI::create, "a Redis URL");
    }

    /** The URL without its password, fit for logs. */
    public String redacted() {
        return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort() + "/" + uri.getDatabase();
    }
}
