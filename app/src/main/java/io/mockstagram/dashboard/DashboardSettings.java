package io.mockstagram.dashboard;

import io.mockstagram.config.ClusterSettings;
import io.mockstagram.config.ConfigException;
import io.mockstagram.config.DatabaseSettings;
import io.mockstagram.config.Setting;
import io.mockstagram.config.LeaseProfile;
import io.mockstagram.membership.partition.Partitioner;
import io.mockstagram.pipeline.scheduling.Schedule;

import java.time.Duration;
import java.util.Map;

/**
 * The dashboard's configuration. It reads the cluster's own settings (interval, range,
 * lease, partitioner) from the same variables as the producers, to show shares and intervals.
 *
 * @param host where to listen: every interface, or only loopback when it carries controls
 */
public record DashboardSettings(ClusterSettings cluster, DatabaseSettings database, String host, int httpPort,
                                Schedule schedule, Duration lease, Partitioner partitioner) {

    public static final int DEFAULT_HTTP_PORT = 8080;

    public DashboardSettings {
        if (httpPort < 0 || httpPort > 65535) {
            throw new ConfigException("--http-port " + httpPort + " is not a TCP port (0-65535; 0 picks a free one)");
        }
    }

    public static DashboardSettings resolve(ClusterSettings cluster, DatabaseSettings database, String host, Integer httpPort,
                                            Map<String, String> env) {
        long leaseMs = Setting.resolve(null, "--lease-ms", env, Long.toString(LeaseProfile.resolve(null, env).lease().toMillis()),
                "MOCKSTAGRAM_LEASE_MS").as(Long::parseLong, "a whole number of milliseconds");
        Partitioner partitioner = Setting.resolve(null, "--partitioner", env, "modulo", "MOCKSTAGRAM_PARTITIONER")
                .as(Partitioner::named, "a partitioner");
        return new DashboardSettings(cluster, database, host, httpPort == null ? DEFAULT_HTTP_PORT : httpPort,
                Schedule.resolve(null, null, null, env), Duration.ofMillis(leaseMs), partitioner);
    }
}
