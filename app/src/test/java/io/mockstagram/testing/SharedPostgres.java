package io.mockstagram.testing;

import io.mockstagram.config.DatabaseSettings;
import io.mockstagram.config.Namespace;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * The PostgreSQL every test machine runs (DATABASE_URL, else the local default), with a
 * namespace, and so a schema, of the test's own; the schema is dropped afterwards. Works as
 * a JUnit extension, or by hand through {@link #start()} and {@link #close()} where JUnit
 * extensions do not apply (jqwik properties).
 */
public final class SharedPostgres implements BeforeEachCallback, AfterEachCallback, AutoCloseable {

    private final String databaseUrl = System.getenv().getOrDefault("DATABASE_URL", "postgresql://127.0.0.1:5432/postgres");
    private Namespace namespace;
    private DatabaseSettings settings;
    private PGSimpleDataSource dataSource;

    @Override
    public void beforeEach(ExtensionContext context) {
        start();
    }

    @Override
    public void afterEach(ExtensionContext context) throws SQLException {
        close();
    }

    public SharedPostgres start() {
        namespace = new Namespace("t-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16));
        settings = DatabaseSettings.resolve(databaseUrl, Map.of());
        dataSource = new PGSimpleDataSource();
        dataSource.setURL(settings.jdbcUrl());
        dataSource.setUser(settings.user());
        dataSource.setPassword(settings.password());
        return this;
    }

    @Override
    public void close() throws SQLException {
        if (namespace == null) {
            return;
        }
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS \"" + schema() + "\" CASCADE");
        } finally {
            namespace = null;
        }
    }

    public Namespace namespace() {
        return namespace;
    }

    /** The schema the namespace's tables go to; the code under test creates it. */
    public String schema() {
        return namespace.databaseSchema();
    }

    public DatabaseSettings databaseSettings() {
        return settings;
    }

    /** Unpooled connections for the test's own set-up and checks. */
    public DataSource dataSource() {
        return dataSource;
    }
}
