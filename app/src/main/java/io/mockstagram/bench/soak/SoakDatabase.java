package io.mockstagram.bench.soak;

import io.mockstagram.config.DatabaseSettings;
import io.mockstagram.config.Namespace;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

/** Connections to the soak's PostgreSQL, opened afresh each time since the server is restarted under us. */
final class SoakDatabase {

    private final DatabaseSettings settings;
    private final Namespace namespace;

    SoakDatabase(String url, Namespace namespace) {
        this.settings = DatabaseSettings.resolve(null, Map.of("DATABASE_URL", url));
        this.namespace = namespace;
    }

    Connection open() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", settings.user());
        if (settings.password() != null) {
            properties.setProperty("password", settings.password());
        }
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("socketTimeout", "120");
        return DriverManager.getConnection(settings.jdbcUrl(), properties);
    }

    /** A table of the namespace's schema, quoted. */
    String table(String name) {
        return "\"" + namespace.databaseSchema() + "\"." + name;
    }

    String schema() {
        return namespace.databaseSchema();
    }
}
