package io.mockstagram.pipeline.timeseries;

import io.mockstagram.config.ConfigException;
import io.mockstagram.config.Durations;
import io.mockstagram.config.Setting;

import java.time.Duration;
import java.util.Map;

/**
 * How the time series is kept, parsed and checked once at start-up.
 *
 * @param retention how long readings are kept ({@code --retention}, {@code MOCKSTAGRAM_RETENTION});
 *                  whole hourly partitions go once they ended this long ago
 * @param poolSize  PostgreSQL connections per process ({@code --db-pool-size}, {@code MOCKSTAGRAM_DB_POOL_SIZE})
 */
public record TimeSeriesSettings(Duration retention, int poolSize) {

    public static final int MAX_POOL_SIZE = 64;

    public TimeSeriesSettings {
        if (retention.compareTo(PartitionManager.BEHIND) < 0) {
            throw new ConfigException("--retention (" + Durations.format(retention) + ") must be at least "
                    + Durations.format(PartitionManager.BEHIND) + ", the time late readings are still accepted");
        }
        if (poolSize < 1 || poolSize > MAX_POOL_SIZE) {
            throw new ConfigException("--db-pool-size (" + poolSize + ") must be between 1 and " + MAX_POOL_SIZE);
        }
    }

    public static TimeSeriesSettings defaults() {
        return new TimeSeriesSettings(PartitionManager.DEFAULT_RETENTION, Database.DEFAULT_POOL_SIZE);
    }

    public static TimeSeriesSettings resolve(String retentionFlag, Integer poolSizeFlag, Map<String, String> env) {
        Setting retention = Setting.resolve(retentionFlag, "--retention", env,
                Durations.format(PartitionManager.DEFAULT_RETENTION), "MOCKSTAGRAM_RETENTION");
        Duration kept = retention.as(Durations::parse, "a duration");
        if (kept.compareTo(PartitionManager.BEHIND) < 0) {
            throw retention.error("must be at least " + Durations.format(PartitionManager.BEHIND)
                    + ", the time late readings are still accepted");
        }
        Setting pool = Setting.resolve(poolSizeFlag == null ? null : poolSizeFlag.toString(), "--db-pool-size", env,
                Integer.toString(Database.DEFAULT_POOL_SIZE), "MOCKSTAGRAM_DB_POOL_SIZE");
        int size = pool.as(Integer::parseInt, "a whole number");
        if (size < 1 || size > MAX_POOL_SIZE) {
            throw pool.error("must be between 1 and " + MAX_POOL_SIZE);
        }
        return new TimeSeriesSettings(kept, size);
    }
}
