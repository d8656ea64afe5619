package io.mockstagram.pipeline.updater;

import io.mockstagram.config.ClusterSettings;
import io.mockstagram.config.ConfigException;
import io.mockstagram.config.DatabaseSettings;
import io.mockstagram.pipeline.timeseries.TimeSeriesSettings;

/**
 * An updater's configuration.
 *
 * @param batchesInFlight reading batches stored at once (each takes a database connection)
 */
public record UpdaterSettings(ClusterSettings cluster, DatabaseSettings database, TimeSeriesSettings timeSeries,
                              int httpPort, int batchesInFlight) {

    public UpdaterSettings {
        if (batchesInFlight < 1 || batchesInFlight > timeSeries.poolSize()) {
            throw new ConfigException("--batches-in-flight must be between 1 and --db-pool-size (" + timeSeries.poolSize()
                    + "), was " + batchesInFlight);
        }
    }
}
