package io.mockstagram.pipeline.timeseries;

import io.mockstagram.config.DatabaseSettings;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * Brings a namespace's schema to the current version with the Flyway migrations under
 * {@code db/migration}, creating the schema when missing. Safe when several processes start
 * at once: Flyway serialises them with an advisory lock and the later ones find nothing to do.
 * Flyway opens connections of its own rather than borrowing from the pool, because it holds
 * two at once (one keeps the lock), which would hang a pool of one.
 */
public final class SchemaMigrations {

    private static final Logger log = LoggerFactory.getLogger(SchemaMigrations.class);

    private SchemaMigrations() {
    }

    public static void migrate(DatabaseSettings database, ReadingsTable table) {
        MigrateResult result = Flyway.configure(SchemaMigrations.class.getClassLoader())
                .dataSource(database.jdbcUrl(), database.user(), database.password())
                .schemas(table.schema())
                .defaultSchema(table.schema())
                .createSchemas(true)
                .locations("classpath:db/migration")
                .load()
                .migrate();
        log.atInfo().setMessage("database schema migrated").addKeyValue("schema", table.schema())
                .addKeyValue("applied", result.migrationsExecuted)
                .addKeyValue("version", result.targetSchemaVersion == null ? result.initialSchemaVersion
                        : result.targetSchemaVersion).log();
    }
}
