package io.mockstagram.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Where PostgreSQL is: {@code DATABASE_URL} in the usual form
 * {@code postgresql://user:password@host:5432/database?sslmode=require}. The user defaults
 * to {@code postgres}; query parameters pass through to the JDBC driver.
 */
public record DatabaseSettings(String jdbcUrl, String user, String password, Setting setting) {

    public static final String DEFAULT_URL = "postgresql://localhost:5432/postgres";
    private static final String DEFAULT_USER = "postgres";

    public static DatabaseSettings resolve(String flagValue, Map<String, String> env) {
        Setting setting = Setting.resolve(flagValue, "--database-url", env, DEFAULT_URL, "DATABASE_URL");
        String value = setting.value().startsWith("jdbc:") ? setting.value().substring(5) : setting.value();
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw setting.error("not a URL: " + e.getReason());
        }
        if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
            throw setting.error("a database URL starts with postgresql://, as in " + DEFAULT_URL);
        }
        if (uri.getHost() == null) {
            throw setting.error("the URL names no host, or its port is not a number");
        }
        String database = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
        String user = DEFAULT_USER;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = decode(parts[0]);
            password = parts.length > 1 ? decode(parts[1]) : null;
        }
        String jdbc = "jdbc:postgresql://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + "/" + database
                + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
        return new DatabaseSettings(jdbc, user, password, setting);
    }

    private static String decode(String part) {
        return URLDecoder.decode(part, StandardCharsets.UTF_8);
    }

    /** The URL without credentials, fit for logs. */
    public String redacted() {
        return jdbcUrl.replaceFirst("\\?.*$", "") + " as " + user;
    }
}
