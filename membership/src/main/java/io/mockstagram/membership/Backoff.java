package io.mockstagram.membership;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter: the n-th retry waits a random time up to
 * min(cap, base * 2^n), so that many clients that failed together retry apart.
 */
public record Backoff(Duration base, Duration cap) {

    public Backoff {
        if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < base <= cap, was " + base + " and " + cap);
        }
    }

    public Duration delay(int attempt) {
        long ceiling = Math.min(cap.toMillis(), base.toMillis() << Math.min(attempt, 20));
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(base.toMillis(), Math.max(base.toMillis(), ceiling) + 1));
    }
}
