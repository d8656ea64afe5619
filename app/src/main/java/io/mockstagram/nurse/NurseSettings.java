package io.mockstagram.nurse;

import io.mockstagram.config.ClusterSettings;
import io.mockstagram.config.ConfigException;
import io.mockstagram.config.Durations;
import io.mockstagram.config.LeaseProfile;
import io.mockstagram.config.Setting;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * A nurse's configuration.
 *
 * @param nurseId      unique per process, so two replicas never mistake each other's lease
 * @param leaderLease  how long the acting nurse holds its lease; a standby takes over within it
 * @param scanInterval the longest the acting nurse waits between eviction passes; it wakes
 *                     earlier, exactly when the next lease can run out
 */
public record NurseSettings(ClusterSettings cluster, int httpPort, String nurseId, Duration leaderLease,
                            Duration scanInterval) {

    public static final int DEFAULT_HTTP_PORT = 8081;

    public NurseSettings {
        if (scanInterval.compareTo(leaderLease) >= 0) {
            throw new ConfigException("--scan-interval (" + Durations.format(scanInterval)
                    + ") must be shorter than --leader-lease-ms (" + leaderLease.toMillis() + ")");
        }
    }

    static NurseSettings resolve(ClusterSettings cluster, Integer httpPort, String name, String profileName,
                                 Long leaderLeaseMs, String scanInterval, Map<String, String> env) {
        LeaseProfile profile = LeaseProfile.resolve(profileName, env);
        Setting lease = Setting.resolve(leaderLeaseMs == null ? null : leaderLeaseMs.toString(), "--leader-lease-ms", env,
                Long.toString(profile.nurseLease().toMillis()), "MOCKSTAGRAM_NURSE_LEASE_MS");
        long leaseMs = lease.as(Long::parseLong, "a whole number of milliseconds");
        if (leaseMs < 300) {
            throw lease.error("must be at least 300");
        }
        Duration scan = Setting.resolve(scanInterval, "--scan-interval", env, profile.nurseScan().toMillis() + "ms",
                        "MOCKSTAGRAM_NURSE_SCAN_INTERVAL")
                .as(Durations::parse, "a duration");
        int port = httpPort == null ? DEFAULT_HTTP_PORT : httpPort;
        if (port < 0 || port > 65535) {
            throw new ConfigException("--http-port " + port + " is not a TCP port (0-65535; 0 picks a free one)");
        }
        return new NurseSettings(cluster, port, nurseId(name, env), Duration.ofMillis(leaseMs), scan);
    }

    private static String nurseId(String name, Map<String, String> env) {
        String base = name != null ? name : env.getOrDefault("POD_NAME", env.get("HOSTNAME"));
        if (base == null) {
            try {
                base = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                base = "nurse";
            }
        }
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
