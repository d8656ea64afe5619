package io.mockstagram.pipeline.timeseries;

import io.micrometer.core.instrument.MeterRegistry;
import io.mockstagram.config.DatabaseSettings;
import io.mockstagram.config.Namespace;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;

/**
 * The time series of one namespace, ready to use: the pool is open, the schema migrated and
 * the partitions of the coming hours exist. The owner runs {@link PartitionManager#maintain()}
 * every few minutes (a pass that finds nothing to do costs one catalog query).
 */
public final class TimeSeries implements AutoCloseable {

    private final Database database;
    private final PartitionManager partitions;
    private final TimeSeriesStore store;

    private TimeSeries(Database database, PartitionManager partitions, TimeSeriesStore store) {
        this.database = database;
        this.partitions = partitions;
        this.store = store;
    }

    /** @param registry where the pool's metrics go; null for none */
    public static TimeSeries open(DatabaseSettings database, Namespace namespace, TimeSeriesSettings settings,
                                  Duration startupTimeout, MeterRegistry registry) {
        ReadingsTable table = ReadingsTable.of(namespace);
        Database db = Database.open(database, settings.poolSize(), startupTimeout, registry);
        try {
            SchemaMigrations.migrate(database, table);
            var partitions = new PartitionManager(db.dataSource(), table, settings.retention(), Clock.systemUTC());
            partitions.maintain();
            return new TimeSeries(db, partitions, new TimeSeriesStore(db.dataSource(), table, partitions));
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    public TimeSeriesStore store() {
        return store;
    }

    public PartitionManager partitions() {
        return partitions;
    }

    /** The pool, for the namespace's other tables (dead letters). */
    public DataSource dataSource() {
        return database.dataSource();
    }

    @Override
    public void close() {
        database.close();
    }
}
