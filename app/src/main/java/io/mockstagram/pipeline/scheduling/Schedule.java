package io.mockstagram.pipeline.scheduling;

import io.mockstagram.config.ConfigException;
import io.mockstagram.config.Durations;
import io.mockstagram.config.Setting;
import io.mockstagram.pipeline.PkRange;

import java.time.Duration;
import java.util.Map;

/**
 * What producers schedule: every pk in {@code range} once per {@code interval}, in task
 * batches of {@code batchSize} pks.
 */
public record Schedule(PkRange range, Duration interval, int batchSize) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);
    public static final int DEFAULT_INFLUENCERS = 1_000_000;
    public static final int DEFAULT_BATCH_SIZE = 1000;

    public Schedule {
        if (interval.compareTo(Duration.ofMillis(500)) < 0) {
            throw new ConfigException("--interval must be at least 500ms, was " + Durations.format(interval));
        }
        if (batchSize < 1 || batchSize > 10_000) {
            throw new ConfigException("--batch-size must be between 1 and 10000, was " + batchSize);
        }
    }

    public static Schedule resolve(Integer influencers, String interval, Integer batchSize, Map<String, String> env) {
        int count = Setting.resolve(influencers == null ? null : influencers.toString(), "--influencers", env,
                Integer.toString(DEFAULT_INFLUENCERS), "MOCKSTAGRAM_INFLUENCERS").as(Integer::parseInt, "a whole number");
        if (count < 1 || count > 10_000_000) {
            throw new ConfigException("--influencers must be between 1 and 10000000, was " + count);
        }
        Duration period = Setting.resolve(interval, "--interval", env, Durations.format(DEFAULT_INTERVAL),
                "MOCKSTAGRAM_INTERVAL").as(Durations::parse, "a duration");
        int size = Setting.resolve(batchSize == null ? null : batchSize.toString(), "--batch-size", env,
                Integer.toString(DEFAULT_BATCH_SIZE), "MOCKSTAGRAM_BATCH_SIZE").as(Integer::parseInt, "a whole number");
        return new Schedule(PkRange.of(count), period, size);
    }
}
