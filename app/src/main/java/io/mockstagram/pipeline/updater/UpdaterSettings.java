package io.mockstagram.pipeline.updater;

import io.mockstagram.config.ClusterSettings;
import io.mockstagram.config.ConfigException;
import io.mockstagram.config.DatabaseSettings;
import io.mockstagram.pipeline.timeseries.TimeSeriesSettings;

import java.time.Duration;

/**
 * An updater's configuration.
 *
 * @param batchesInFlight reading batches stored at once (each takes a database connection)
 * @param ackWait         how long a taken reading batch stays with this updater before another may take it
 */
public record UpdaterSettings(ClusterSettings cluster, DatabaseSettings database, TimeSeriesSettings timeSeries,
                              int httpPort, int batchesInFlight, Duration ackWait) {

    public UpdaterSettings {
        if (batchesInFlight < 1 || batchesInFlight > timeSeries.poolSize()) {
            throw new ConfigException("--batches-in-flight must be between 1 and --db-pool-size (" + timeSeries.poolSize()
                    + "), was " + batchesInFlight);
        }
    }
}
