package io.mockstagram.pipeline.latest;

import io.mockstagram.pipeline.ReadingBatch;

import java.util.List;
import java.util.UUID;

/** Reading batches written the way a test thinks of them: one reading at a time. */
record Reading(int pk, int followers, int following, long fetchedAtMs) {

    static final long INTERVAL_MS = 60_000;

    static Reading of(int pk, int followers, int following) {
        return new Reading(pk, followers, following, 0);
    }

    static ReadingBatch batch(long tick, Reading... readings) {
        return batch(tick, List.of(readings));
    }

    /** Readings without a fetch time are fetched inside the tick, a little later for each pk. */
    static ReadingBatch batch(long tick, List<Reading> readings) {
        int n = readings.size();
        int[] pks = new int[n];
        int[] followers = new int[n];
        int[] following = new int[n];
        long[] fetchedAtMs = new long[n];
        for (int i = 0; i < n; i++) {
            Reading r = readings.get(i);
            pks[i] = r.pk();
            followers[i] = r.followers();
            following[i] = r.following();
            fetchedAtMs[i] = r.fetchedAtMs() != 0 ? r.fetchedAtMs() : fetchedAt(tick, r.pk());
        }
        return new ReadingBatch(UUID.randomUUID().toString(), tick, INTERVAL_MS, tick * INTERVAL_MS, pks, followers,
                following, fetchedAtMs);
    }

    static long fetchedAt(long tick, int pk) {
        return tick * INTERVAL_MS + pk % 1000;
    }
}
