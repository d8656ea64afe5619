package io.mockstagram.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.mockstagram.config.ClusterSettings;
import io.mockstagram.config.Namespace;
import io.mockstagram.membership.store.RedisMembershipStore;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.util.Map;
import java.util.UUID;

/**
 * The Redis and NATS every test machine runs (REDIS_URL and NATS_URL, else the local
 * defaults), with a namespace of the test's own; its keys and streams go afterwards.
 */
public final class SharedServers implements BeforeEachCallback, AfterEachCallback {

    private final String redisUrl = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
    private final String natsUrl = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
    private Namespace namespace;
    private RedisClient redisClient;
    private StatefulRedisConnection<String, String> redis;
    private Connection nats;

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        namespace = new Namespace("t-" + UUID.randomUUID().toString().substring(0, 12));
        redisClient = RedisClient.create(redisUrl);
        redis = redisClient.connect();
        nats = Nats.connect(natsUrl);
        settledMap();
    }

    /**
     * Starts the namespace with an empty map older than any lease, as a cluster that has run
     * for a while has, so that producers act as soon as they join. (A map Redis has just
     * rebuilt makes them wait a lease; the membership and fault tests cover that.)
     */
    private void settledMap() {
        var keys = namespace.membershipKeys();
        redis.sync().set(keys.epoch(), "0");
        redis.sync().hset(keys.generation(), Map.of("id", "settled", "created", "0"));
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            redis.sync().del(namespace.membershipKeys().all().toArray(String[]::new));
            deleteStreams();
        } finally {
            redis.close();
            redisClient.shutdown();
            nats.close();
        }
    }

    private void deleteStreams() throws IOException, JetStreamApiException {
        var jsm = nats.jetStreamManagement();
        for (String stream : jsm.getStreamNames()) {
            // KV_ streams back key-value buckets, such as the membership's epoch floor.
            if (stream.startsWith(namespace.name() + "_") || stream.startsWith("KV_" + namespace.name() + "_")) {
                jsm.deleteStream(stream);
            }
        }
    }

    public Namespace namespace() {
        return namespace;
    }

    public ClusterSettings clusterSettings() {
        return ClusterSettings.resolve(redisUrl, natsUrl, namespace.name(), "5s", Map.of());
    }

    public StatefulRedisConnection<String, String> redis() {
        return redis;
    }

    public RedisMembershipStore store() {
        return new RedisMembershipStore(redis.async(), namespace.membershipKeys());
    }

    public Connection nats() {
        return nats;
    }
}
