package io.mockstagram.pipeline;

import java.time.Duration;

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

    public Tick tickOf() {
        return new Tick(tick, Duration.ofMillis(intervalMs));
    }
}
