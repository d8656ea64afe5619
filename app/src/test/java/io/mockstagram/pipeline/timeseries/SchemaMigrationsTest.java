package io.mockstagram.pipeline.timeseries;

import io.mockstagram.testing.SharedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class SchemaMigrationsTest {

    @RegisterExtension
    final SharedPostgres postgres = new SharedPostgres();

    private List<String> query(String sql, String... parameters) throws SQLException {
        try (Connection connection = postgres.dataSource().getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            List<String> values = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
            }
            return values;
        }
    }

    @Test
    void createsTheNamespacesSchemaWithAReadingsTablePartitionedByScheduledTime() throws Exception {
        SchemaMigrations.migrate(postgres.databaseSettings(), ReadingsTable.of(postgres.namespace()));
        String readings = "\"" + postgres.schema() + "\".readings";

        assertThat(query("SELECT nspname FROM pg_namespace WHERE nspname = ?", postgres.schema())).hasSize(1);
        assertThat(query("SELECT pg_get_partkeydef(to_regclass(?))", readings)).containsExactly("RANGE (scheduled_at)");
        assertThat(query("SELECT attname || ' ' || format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = to_regclass(?) AND attnum > 0 ORDER BY attnum", readings))
                .containsExactly("pk integer", "scheduled_at timestamp with time zone",
                        "fetched_at timestamp with time zone", "follower_count integer", "following_count integer");
        assertThat(query("SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = to_regclass(?)", readings))
                .as("the primary key and no other index")
                .singleElement().asString().contains("UNIQUE").endsWith("(pk, scheduled_at)");
    }

    @Test
    void severalProcessesMigratingAtOnceAllSucceed() throws Exception {
        int processes = 3;
        ExecutorService pool = Executors.newFixedThreadPool(processes);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> migrations = new ArrayList<>();
            for (int i = 0; i < processes; i++) {
                migrations.add(pool.submit(() -> {
                    start.await();
                    SchemaMigrations.migrate(postgres.databaseSettings(), ReadingsTable.of(postgres.namespace()));
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> migration : migrations) {
                migration.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(query("SELECT version FROM \"" + postgres.schema() + "\".flyway_schema_history"
                + " WHERE success AND version IS NOT NULL ORDER BY installed_rank")).containsExactly("1", "2", "3");
    }
}
