package io.mockstagram.producer;

import io.mockstagram.config.ClusterSettings;
import io.mockstagram.config.ConfigException;
import io.mockstagram.config.LeaseProfile;
import io.mockstagram.config.Setting;
import io.mockstagram.membership.MemberConfig;
import io.mockstagram.membership.partition.Partitioner;
import io.mockstagram.pipeline.scheduling.Schedule;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/** A producer's configuration, parsed and checked once at start-up. */
public record ProducerSettings(ClusterSettings cluster, int httpPort, String name, Duration lease, Duration heartbeat,
                               Partitioner partitioner, Schedule schedule) {

    public static final int DEFAULT_HTTP_PORT = 8081;

    public ProducerSettings {
        if (lease.compareTo(heartbeat.multipliedBy(3)) < 0) {
            throw new ConfigException("--lease-ms (" + lease.toMillis() + ") must be at least three times --heartbeat-ms ("
                    + heartbeat.toMillis() + "), so that a producer renews before it fences itself");
        }
    }

    public MemberConfig memberConfig() {
        return new MemberConfig(cluster.namespace().membershipKeys(), name, lease, heartbeat);
    }

    static ProducerSettings resolve(ClusterSettings cluster, Integer httpPort, String name, String profileName,
                                    Long leaseMs, Long heartbeatMs, String partitioner, Schedule schedule,
                                    Map<String, String> env) {
        LeaseProfile profile = LeaseProfile.resolve(profileName, env);
        Duration lease = millis(Setting.resolve(str(leaseMs), "--lease-ms", env,
                Long.toString(profile.lease().toMillis()), "MOCKSTAGRAM_LEASE_MS"));
        Duration heartbeat = millis(Setting.resolve(str(heartbeatMs), "--heartbeat-ms", env,
                Long.toString(profile.heartbeat().toMillis()), "MOCKSTAGRAM_HEARTBEAT_MS"));
        Setting chosen = Setting.resolve(partitioner, "--partitioner", env, "modulo", "MOCKSTAGRAM_PARTITIONER");
        return new ProducerSettings(cluster, httpPort == null ? DEFAULT_HTTP_PORT : port(httpPort), defaultName(name, env),
                lease, heartbeat, chosen.as(Partitioner::named, "a partitioner"), schedule);
    }

    /** The pod or host name when one is set (names stay stable across restarts), else host and process id. */
    static String defaultName(String flag, Map<String, String> env) {
        if (flag != null && !flag.isBlank()) {
            return flag;
        }
        for (String variable : new String[] {"POD_NAME", "HOSTNAME"}) {
            String value = env.get(variable);
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        try {
            return InetAddress.getLocalHost().getHostName() + "-" + ProcessHandle.current().pid();
        } catch (UnknownHostException e) {
            return "producer-" + UUID.randomUUID().toString().substring(0, 8);
        }
    }

    private static String str(Long value) {
        return value == null ? null : value.toString();
    }

    private static Duration millis(Setting setting) {
        long ms = setting.as(Long::parseLong, "a whole number of milliseconds");
        if (ms <= 0) {
            throw setting.error("must be positive");
        }
        return Duration.ofMillis(ms);
    }

    static int port(int port) {
        if (port < 0 || port > 65535) {
            throw new ConfigException("--http-port " + port + " is not a TCP port (0-65535; 0 picks a free one)");
        }
        return port;
    }
}
