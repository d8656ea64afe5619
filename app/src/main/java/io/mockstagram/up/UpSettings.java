package io.mockstagram.up;

import io.mockstagram.config.ClusterSettings;
import io.mockstagram.config.DatabaseSettings;
import io.mockstagram.config.LeaseProfile;
import io.mockstagram.pipeline.scheduling.Schedule;

import java.nio.file.Path;

/** What {@code up} runs, and where. */
record UpSettings(ClusterSettings cluster, DatabaseSettings database, Schedule schedule, LeaseProfile profile, int producers, int fetchers,
                  int updaters, int dashboardPort, boolean ownServers, Path workDir) {
}
