package io.mockstagram.pipeline.updater;

import io.mockstagram.config.ClusterSettings;
import io.mockstagram.config.ConfigException;
import io.mockstagram.config.DatabaseSettings;
import io.mockstagram.config.Setting;
import io.mockstagram.pipeline.timeseries.TimeSeriesSettings;

import java.time.Duration;
import java.util.Map;

/**
 * An updater's configuration.
 *
 * @param batchesInFlight reading batches stored at once (each takes a database connection)
 * @param ackWait         how long a taken reading batch stays with this updater before another may take it
 * @param maxDeliveries   deliveries of a reading batch that failed to store before its readings are
 *                        dead-lettered and the batch is dropped
 */
public record UpdaterSettings(ClusterSettings cluster, DatabaseSettings database, TimeSeriesSettings timeSeries,
                              int httpPort, int batchesInFlight, Duration ackWait, int maxDeliveries) {

    public static final int DEFAULT_MAX_DELIVERIES = 5;
    /** Beyond this a batch that cannot be stored keeps coming back for hours: a mistake, not a setting. */
    public static final int MAX_MAX_DELIVERIES = 100;

    public UpdaterSettings {
        if (batchesInFlight < 1 || batchesInFlight > timeSeries.poolSize()) {
            throw new ConfigException("--batches-in-flight must be between 1 and --db-pool-size (" + timeSeries.poolSize()
                    + "), was " + batchesInFlight);
        }
        if (maxDeliveries < 1 || maxDeliveries > MAX_MAX_DELIVERIES) {
            throw new ConfigException("--max-deliveries must be between 1 and " + MAX_MAX_DELIVERIES + ", was " + maxDeliveries);
        }
    }

    /** {@code --max-deliveries}, else {@code MOCKSTAGRAM_MAX_DELIVERIES}, else the default; checked. */
    public static int maxDeliveries(String flagValue, Map<String, String> env) {
        Setting setting = Setting.resolve(flagValue, "--max-deliveries", env, Integer.toString(DEFAULT_MAX_DELIVERIES),
                "MOCKSTAGRAM_MAX_DELIVERIES");
        int value = setting.as(Integer::parseInt, "a whole number");
        if (value < 1 || value > MAX_MAX_DELIVERIES) {
            throw setting.error("must be between 1 and " + MAX_MAX_DELIVERIES);
        }
        return value;
    }
}
