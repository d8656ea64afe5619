package io.mockstagram.testing;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.mockstagram.config.Namespace;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.UUID;

/**
 * The Redis every test machine runs (REDIS_URL, else the local default), with a namespace of
 * the test's own; every key under the namespace goes afterwards, whoever wrote it. A JUnit
 * extension; property tests, which JUnit extensions do not reach, call {@link #open()},
 * {@link #nextNamespace()} and {@link #close()} from their own lifecycle hooks.
 */
public final class SharedRedis implements BeforeEachCallback, AfterEachCallback, AutoCloseable {

    private final String redisUrl = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
    private Namespace namespace;
    private RedisClient redisClient;
    private StatefulRedisConnection<String, String> redis;

    @Override
    public void beforeEach(ExtensionContext context) {
        open();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    /** Connects and picks a fresh namespace. */
    public SharedRedis open() {
        namespace = freshNamespace();
        redisClient = RedisClient.create(redisUrl);
        redis = redisClient.connect();
        return this;
    }

    /** Deletes the namespace's keys and moves to a fresh one, for many cases on one connection. */
    public Namespace nextNamespace() {
        deleteNamespace();
        namespace = freshNamespace();
        return namespace;
    }

    /** Deletes the namespace's keys and disconnects. */
    @Override
    public void close() {
        try {
            deleteNamespace();
        } finally {
            redis.close();
            redisClient.shutdown();
        }
    }

    /**
     * Scans, because a test cannot know every key the code under test wrote; the namespace is
     * random and made of letters, digits and '-', so the pattern matches nothing else.
     */
    private void deleteNamespace() {
        RedisCommands<String, String> sync = redis.sync();
        sync.del(namespace.name());
        ScanArgs match = ScanArgs.Builder.matches(namespace.redisKey("*")).limit(1000);
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = sync.scan(cursor, match);
            if (!page.getKeys().isEmpty()) {
                sync.unlink(page.getKeys().toArray(String[]::new));
            }
            cursor = page;
        } while (!cursor.isFinished());
    }

    private static Namespace freshNamespace() {
        return new Namespace("t-" + UUID.randomUUID().toString().substring(0, 12));
    }

    public Namespace namespace() {
        return namespace;
    }

    public StatefulRedisConnection<String, String> redis() {
        return redis;
    }
}
