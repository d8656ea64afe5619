package io.mockstagram.pipeline;

import java.time.Duration;
import java.time.Instant;

/**
 * One polling interval: the n-th interval since the Unix epoch. Every pk is polled once per
 * tick; a reading is identified by (pk, tick), which is what makes every write idempotent.
 */
public record Tick(long index, Duration interval) {

    public Tick {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive");
        }
    }

    public static Tick at(Instant instant, Duration interval) {
        return new Tick(Math.floorDiv(instant.toEpochMilli(), interval.toMillis()), interval);
    }

    public Instant start() {
        return Instant.ofEpochMilli(index * interval.toMillis());
    }

    public Instant end() {
        return start().plus(interval);
    }

    public Tick next() {
        return new Tick(index + 1, interval);
    }
}
