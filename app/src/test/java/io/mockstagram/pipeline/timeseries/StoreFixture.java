package io.mockstagram.pipeline.timeseries;

import io.mockstagram.testing.SharedPostgres;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;

/** A migrated schema with a pool, a partition manager whose clock stands at {@link Batches#BASE} + 30 min, and a store. */
final class StoreFixture implements AutoCloseable {

    static final Clock CLOCK = Clock.fixed(Batches.BASE.plus(Duration.ofMinutes(30)), ZoneOffset.UTC);

    final Database database;
    final ReadingsTable table;
    final PartitionManager partitions;
    final TimeSeriesStore store;

    private StoreFixture(Database database, ReadingsTable table, PartitionManager partitions, TimeSeriesStore store) {
        this.database = database;
        this.table = table;
        this.partitions = partitions;
        this.store = store;
    }

    static StoreFixture open(SharedPostgres postgres) {
        return open(postgres, TimeSeriesStore.TIMELINE_LIMIT);
    }

    static StoreFixture open(SharedPostgres postgres, int timelineLimit) {
        Database database = Database.open(postgres.databaseSettings(), 2, Duration.ofSeconds(10));
        ReadingsTable table = ReadingsTable.of(postgres.namespace());
        SchemaMigrations.migrate(postgres.databaseSettings(), table);
        var partitions = new PartitionManager(database.dataSource(), table, PartitionManager.DEFAULT_RETENTION, CLOCK);
        partitions.createAhead();
        return new StoreFixture(database, table, partitions,
                new TimeSeriesStore(database.dataSource(), table, partitions, timelineLimit));
    }

    DataSource dataSource() {
        return database.dataSource();
    }

    long rows() {
        return queryLong("SELECT count(*) FROM " + table.qualified());
    }

    long queryLong(String sql) {
        try (Connection connection = dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    void execute(String sql) {
        try (Connection connection = dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    @Override
    public void close() {
        database.close();
    }
}
