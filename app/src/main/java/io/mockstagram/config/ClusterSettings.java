package io.mockstagram.config;

import java.time.Duration;
import java.util.Map;

/** What every role needs to reach the cluster. */
public record ClusterSettings(RedisSettings redis, NatsSettings nats, Namespace namespace, Duration startupTimeout) {

    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(30);

    public static ClusterSettings resolve(String redisUrl, String natsUrl, String namespace, String startupTimeout,
                                          Map<String, String> env) {
        Duration timeout = Setting.resolve(startupTimeout, "--startup-timeout", env,
                        Durations.format(DEFAULT_STARTUP_TIMEOUT), "MOCKSTAGRAM_STARTUP_TIMEOUT")
                .as(Durations::parse, "a duration");
        return new ClusterSettings(RedisSettings.resolve(redisUrl, env), NatsSettings.resolve(natsUrl, env),
                Namespace.resolve(namespace, env), timeout);
    }
}
