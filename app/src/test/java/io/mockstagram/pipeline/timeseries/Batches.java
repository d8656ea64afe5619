package io.mockstagram.pipeline.timeseries;

import io.mockstagram.pipeline.ReadingBatch;
import io.mockstagram.pipeline.Tick;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.stream.IntStream;

/** Reading batches whose values follow from pk and tick, so that a test can tell what it reads back. */
final class Batches {

    static final Duration INTERVAL = Duration.ofMinutes(1);
    /** Far from the wall clock, so that partitions the tests create never meet real ones. */
    static final Instant BASE = Instant.parse("2030-01-01T10:00:00Z");

    private Batches() {
    }

    static Tick tick(int minutesAfterBase) {
        return Tick.at(BASE.plus(INTERVAL.multipliedBy(minutesAfterBase)), INTERVAL);
    }

    /** A tick of half a minute, as after a change of --interval to 30s. */
    static Tick halfMinute(int halfMinutesAfterBase) {
        Duration half = INTERVAL.dividedBy(2);
        return Tick.at(BASE.plus(half.multipliedBy(halfMinutesAfterBase)), half);
    }

    static ReadingBatch of(Tick tick, int... pks) {
        int[] followers = Arrays.stream(pks).map(pk -> followers(pk, tick)).toArray();
        int[] following = Arrays.stream(pks).map(pk -> following(pk, tick)).toArray();
        long[] fetchedAt = Arrays.stream(pks).mapToLong(pk -> fetchedAtMs(pk, tick)).toArray();
        return new ReadingBatch("batch:" + tick.index() + ":" + pks.length, tick.index(), tick.interval().toMillis(),
                tick.start().toEpochMilli(), pks, followers, following, fetchedAt);
    }

    static ReadingBatch range(Tick tick, int firstPk, int count) {
        return of(tick, IntStream.range(firstPk, firstPk + count).toArray());
    }

    static int followers(int pk, Tick tick) {
        return 100_000 + pk % 1000 * 7 + (int) (tick.index() % 1000);
    }

    static int following(int pk, Tick tick) {
        return 1000 + pk % 100 + (int) (tick.index() % 10);
    }

    /** Some milliseconds into the tick, never on a whole second, so that precision loss would show. */
    static long fetchedAtMs(int pk, Tick tick) {
        return tick.start().toEpochMilli() + 1 + pk % 997 * 13;
    }

    static Reading expected(int pk, Tick tick) {
        return new Reading(pk, tick.start(), Instant.ofEpochMilli(fetchedAtMs(pk, tick)), followers(pk, tick),
                following(pk, tick));
    }
}
