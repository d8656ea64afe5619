package io.mockstagram.dashboard;

import io.mockstagram.config.ClusterSettings;
import io.mockstagram.config.DatabaseSettings;

/** The dashboard's configuration: where to read from, and its port (default 8080). */
public record DashboardSettings(ClusterSettings cluster, DatabaseSettings database, int httpPort) {

    public static final int DEFAULT_HTTP_PORT = 8080;
}
