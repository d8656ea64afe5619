package io.mockstagram.bench.soak;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What one soak runs: how long faults are injected, the seed of their choice and order, and the
 * size of the cluster. Faults strike every {@code minGap}..{@code maxGap}; an answer checkpoint
 * (producers stopped, the pipeline drained, every answer compared with PostgreSQL) is held every
 * {@code checkpointEvery} and once more at the end.
 */
public record SoakOptions(Duration duration, long seed, int influencers, Duration interval, int producers, int nurses,
                          int fetchers, int updaters, Duration minGap, Duration maxGap, Duration checkpointEvery,
                          Path workDir) {

    public SoakOptions {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("--duration must be positive");
        }
        if (influencers < 1) {
            throw new IllegalArgumentException("--influencers must be at least 1");
        }
        if (producers < 2 || nurses < 1 || fetchers < 1 || updaters < 1) {
            throw new IllegalArgumentException("a soak needs at least 2 producers and one nurse, fetcher and updater");
        }
        if (maxGap.compareTo(minGap) < 0) {
            throw new IllegalArgumentException("the longest gap between faults is shorter than the shortest");
        }
    }

    /** The defaults of {@code bench soak}. */
    public static SoakOptions of(Duration duration, long seed, int influencers, Duration interval, Path workDir) {
        return new SoakOptions(duration, seed, influencers, interval, 6, 2, 2, 2, Duration.ofSeconds(20),
                Duration.ofSeconds(30), Duration.ofMinutes(3), workDir);
    }
}
