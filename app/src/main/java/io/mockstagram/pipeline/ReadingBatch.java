package io.mockstagram.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Readings for one task batch, in parallel arrays (compact in JSON, cheap to walk):
 * {@code pks[i]} had {@code followers[i]} and {@code following[i]} at {@code fetchedAtMs[i]}.
 *
 * @param id            unique per task batch, so a republished reading batch is stored once
 * @param tick          the tick the readings belong to, counted in {@code intervalMs}; for the pipeline view only
 * @param intervalMs    the interval the tick counts in
 * @param scheduledAtMs the start of the readings' interval, epoch ms: what orders readings, whatever the interval.
 *                      Batches from before it was carried (0 in their JSON) get it from their tick.
 * @param dueAtMs       when the task batch was due
 * @param verdicts      classifications the fetcher got since its previous batch, stored with this one
 */
public record ReadingBatch(String id, long tick, long intervalMs, long scheduledAtMs, long dueAtMs, int[] pks,
                           int[] followers, int[] following, long[] fetchedAtMs, List<Verdict> verdicts) {

    public ReadingBatch {
        int n = pks.length;
        if (followers.length != n || following.length != n || fetchedAtMs.length != n) {
            throw new IllegalArgumentException("a reading batch needs arrays of one length");
        }
        if (scheduledAtMs == 0) {
            scheduledAtMs = tick * intervalMs;
        }
        verdicts = verdicts == null ? List.of() : List.copyOf(verdicts);
    }

    /** A batch scheduled at the start of its tick, with no verdicts. */
    public ReadingBatch(String id, long tick, long intervalMs, long dueAtMs, int[] pks, int[] followers, int[] following,
                        long[] fetchedAtMs) {
        this(id, tick, intervalMs, tick * intervalMs, dueAtMs, pks, followers, following, fetchedAtMs, List.of());
    }

    public int size() {
        return pks.length;
    }

    /** Readings {@code from} (inclusive) to {@code to} (exclusive), as a batch of their own with the same id. */
    public ReadingBatch slice(int from, int to) {
        return new ReadingBatch(id, tick, intervalMs, scheduledAtMs, dueAtMs, Arrays.copyOfRange(pks, from, to),
                Arrays.copyOfRange(followers, from, to), Arrays.copyOfRange(following, from, to),
                Arrays.copyOfRange(fetchedAtMs, from, to), List.of());
    }

    public Instant scheduledAt() {
        return Instant.ofEpochMilli(scheduledAtMs);
    }

    public Tick tickOf() {
        return new Tick(tick, Duration.ofMillis(intervalMs));
    }
}
