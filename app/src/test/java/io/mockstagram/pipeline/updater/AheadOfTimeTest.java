package io.mockstagram.pipeline.updater;

import io.mockstagram.pipeline.ReadingBatch;
import io.mockstagram.testing.SharedRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AheadOfTimeTest {

    private static final long INTERVAL_MS = 30_000;

    @RegisterExtension
    final SharedRedis redis = new SharedRedis();

    private ReadingBatch scheduledAt(long scheduledAtMs) {
        return new ReadingBatch("b", scheduledAtMs / INTERVAL_MS, INTERVAL_MS, scheduledAtMs, scheduledAtMs,
                new int[] {1}, new int[] {1}, new int[] {1}, new long[] {scheduledAtMs}, List.of());
    }

    private long redisNowMs() {
        List<String> time = redis.redis().sync().time();
        return Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
    }

    @Test
    void refusesOnlyReadingsScheduledMoreThanAnIntervalAheadOfRedisTime() throws Exception {
        var guard = new AheadOfTime(redis.redis().async(), Duration.ofSeconds(5));
        long now = redisNowMs();

        assertThat(guard.refuses(scheduledAt(now - 10 * INTERVAL_MS))).as("late").isFalse();
        assertThat(guard.refuses(scheduledAt(now))).as("now").isFalse();
        assertThat(guard.refuses(scheduledAt(now + INTERVAL_MS / 2))).as("a clock half an interval ahead").isFalse();
        assertThat(guard.refuses(scheduledAt(now + 3 * INTERVAL_MS))).as("three intervals ahead").isTrue();
    }
}
