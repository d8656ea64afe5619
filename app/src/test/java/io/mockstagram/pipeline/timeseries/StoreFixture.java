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
import java.util.ArrayList;
import java.util.List;

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
        SchemaMigrations.migrate(postgres.databaseSettings(), ReadingsTable.of(postgres.namespace()));
        return openWithoutMigrating(postgres, timelineLimit);
    }

    /** Over a schema the caller migrated, to the version it chose. */
    static StoreFixture openWithoutMigrating(SharedPostgres postgres) {
        return openWithoutMigrating(postgres, TimeSeriesStore.TIMELINE_LIMIT);
    }

    private static StoreFixture openWithoutMigrating(SharedPostgres postgres, int timelineLimit) {
        Database database = Database.open(postgres.databaseSettings(), 2, Duration.ofSeconds(10));
        ReadingsTable table = ReadingsTable.of(postgres.namespace());
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

    /** Every row of a query, its columns joined by spaces: for comparing two queries' answers. */
    List<String> lines(String sql) {
        try (Connection connection = dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            List<String> lines = new ArrayList<>();
            int columns = rows.getMetaData().getColumnCount();
            while (rows.next()) {
                StringBuilder line = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    line.append(i > 1 ? " " : "").append(rows.getString(i));
                }
                lines.add(line.toString());
            }
            return lines;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** The aggregate table's rows with readings, as {@link #aggregatesFromReadings()} computes them. */
    List<String> aggregates() {
        return lines("SELECT pk, readings, follower_sum, following_sum, latest_scheduled_at, latest_fetched_at,"
                + " latest_followers, latest_following FROM " + table.aggregates() + " WHERE readings > 0 ORDER BY pk");
    }

    /** Every influencer's count, sums and latest reading, computed the slow way from the raw rows. */
    List<String> aggregatesFromReadings() {
        return lines("SELECT pk, count(*), sum(follower_count), sum(following_count), max(scheduled_at),"
                + " (array_agg(fetched_at ORDER BY scheduled_at DESC))[1],"
                + " (array_agg(follower_count ORDER BY scheduled_at DESC))[1],"
                + " (array_agg(following_count ORDER BY scheduled_at DESC))[1]"
                + " FROM " + table.qualified() + " GROUP BY pk ORDER BY pk");
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
