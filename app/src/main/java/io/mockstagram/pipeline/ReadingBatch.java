package io.mockstagram.pipeline;

import java.time.Duration;
import java.util.Arrays;

/**
 * Readings for one task batch, in parallel arrays (compact in JSON, cheap to walk):
 * {@code pks[i]} had {@code followers[i]} and {@code following[i]} at {@code fetchedAtMs[i]}.
 *
 * @param id         unique per task batch, so a republished reading batch is stored once
 * @param tick       the tick the readings belong to
 * @param intervalMs the interval the tick counts in
 * @param dueAtMs    when the task batch was due
 */
public record ReadingBatch(String id, long tick, long intervalMs, long dueAtMs, int[] pks, int[] followers,
                           int[] following, long[] fetchedAtMs) {

    public ReadingBatch {
        int n = pks.length;
        if (followers.length != n || following.length != n || fetchedAtMs.length != n) {
            throw new IllegalArgumentException("a reading batch needs arrays of one length");
        }
    }

    public int size() {
        return pks.length;
    }

    /** Readings {@code from} (inclusive) to {@code to} (exclusive), as a batch of their own with the same id. */
    public ReadingBatch slice(int from, int to) {
        return new ReadingBatch(id, tick, intervalMs, dueAtMs, Arrays.copyOfRange(pks, from, to),
                Arrays.copyOfRange(followers, from, to), Arrays.copyOfRange(following, from, to),
                Arrays.copyOfRange(fetchedAtMs, from, to));
    }

    public Tick tickOf() {
        return new Tick(tick, Duration.ofMillis(intervalMs));
    }
}
