package io.mockstagram.cli;

import io.mockstagram.config.ClusterSettings;
import picocli.CommandLine.Option;

import java.util.Map;

/** The options every role shares to reach Redis and NATS; flags override variables, which override defaults. */
public final class ClusterOptions {

    @Option(names = "--redis-url", paramLabel = "URL",
            description = "Redis, redis:// or rediss://, user:password@ allowed. Env REDIS_URL (or REDIS_HOST). Default redis://localhost:6379.")
    String redisUrl;

    @Option(names = "--nats-url", paramLabel = "URL",
            description = "NATS with JetStream; credentials may ride in the URL. Env NATS_URL. Default nats://localhost:4222.")
    String natsUrl;

    @Option(names = "--namespace", paramLabel = "NS",
            description = "Prefix of every Redis key, subject and stream. Env MOCKSTAGRAM_NAMESPACE. Default mockstagram.")
    String namespace;

    @Option(names = "--startup-timeout", paramLabel = "DURATION",
            description = "How long to keep trying to reach Redis at start-up. Env MOCKSTAGRAM_STARTUP_TIMEOUT. Default 30s.")
    String startupTimeout;

    public ClusterSettings resolve(Map<String, String> env) {
        return ClusterSettings.resolve(redisUrl, natsUrl, namespace, startupTimeout, env);
    }
}
