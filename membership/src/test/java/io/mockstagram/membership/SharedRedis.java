package io.mockstagram.membership;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.mockstagram.membership.store.RedisMembershipStore;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Map;
import java.util.UUID;

/**
 * The Redis every test machine runs (REDIS_URL, else 127.0.0.1:6379), with a fresh
 * namespace per test whose keys are deleted afterwards, so tests never see each other.
 */
public final class SharedRedis implements BeforeEachCallback, AfterEachCallback {

    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;
    private MembershipKeys keys;

    @Override
    public void beforeEach(ExtensionContext context) {
        client = RedisClient.create(System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379"));
        connection = client.connect();
        keys = new MembershipKeys("test-" + UUID.randomUUID().toString().substring(0, 12));
        settledMap(connection.sync(), keys);
    }

    /**
     * Starts the namespace with an empty map of a generation older than any lease, as a
     * cluster that has run for a while has: newcomers act at once. Tests of a map Redis has
     * just rebuilt delete it first.
     */
    public static void settledMap(RedisCommands<String, String> redis, MembershipKeys keys) {
        redis.set(keys.epoch(), "0");
        redis.hset(keys.generation(), Map.of("id", "settled", "created", "0"));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            connection.sync().del(keys.all().toArray(String[]::new));
        } finally {
            connection.close();
            client.shutdown();
        }
    }

    public MembershipKeys keys() {
        return keys;
    }

    public StatefulRedisConnection<String, String> connection() {
        return connection;
    }

    public RedisCommands<String, String> sync() {
        return connection.sync();
    }

    public RedisMembershipStore store() {
        return new RedisMembershipStore(connection.async(), keys);
    }

    /** Makes a member's lease look expired to Redis, as if it had stopped renewing long ago. */
    public void expireLease(String name) {
        sync().zadd(keys.leases(), 0, name);
    }
}
