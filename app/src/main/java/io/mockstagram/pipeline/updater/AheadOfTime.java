package io.mockstagram.pipeline.updater;

import io.lettuce.core.api.async.RedisAsyncCommands;
import io.mockstagram.pipeline.ReadingBatch;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Tells readings scheduled more than one interval ahead of Redis time. A producer whose clock
 * runs ahead would schedule readings that, being newest by scheduled time, would pin every
 * influencer's latest reading until real time caught up; Redis's clock is the one every role
 * shares.
 */
final class AheadOfTime {

    private final RedisAsyncCommands<String, String> redis;
    private final Duration timeout;

    AheadOfTime(RedisAsyncCommands<String, String> redis, Duration timeout) {
        this.redis = redis;
        this.timeout = timeout;
    }

    boolean refuses(ReadingBatch batch) throws Exception {
        List<String> time = redis.time().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        long nowMs = Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
        return batch.scheduledAtMs() > nowMs + batch.intervalMs();
    }
}
