package io.mockstagram.pipeline.scheduling;

import io.mockstagram.pipeline.PkRange;

import java.time.Duration;
import java.util.Arrays;

/**
 * When in every interval each pk falls due: an offset derived from the pk alone, spread
 * evenly over the first {@link #SPREAD} of the interval. Whoever owns a pk, it falls due at
 * the same moment, so producers hand work over at a time rather than re-plan a whole share;
 * nothing about it is stored.
 */
final class DueOrder {

    /** Leaves the last part of each interval for fetching and storing the last pks. */
    static final double SPREAD = 0.8;

    private final long intervalMs;
    /** Every pk, in the order it falls due. */
    private final int[] pks;
    /** {@code offsets[i]}: when {@code pks[i]} falls due, ms into the interval; ascending. */
    private final int[] offsets;

    private DueOrder(long intervalMs, int[] pks, int[] offsets) {
        this.intervalMs = intervalMs;
        this.pks = pks;
        this.offsets = offsets;
    }

    static DueOrder of(PkRange range, Duration interval) {
        long intervalMs = interval.toMillis();
        long spreadMs = spreadMs(intervalMs);
        long[] keyed = new long[range.count()];
        for (int i = 0; i < keyed.length; i++) {
            long offset = offsetMs(range.first() + i, spreadMs);
            keyed[i] = offset << 32 | i;
        }
        Arrays.sort(keyed);
        int[] pks = new int[keyed.length];
        int[] offsets = new int[keyed.length];
        for (int i = 0; i < keyed.length; i++) {
            pks[i] = range.first() + (int) keyed[i];
            offsets[i] = (int) (keyed[i] >>> 32);
        }
        return new DueOrder(intervalMs, pks, offsets);
    }

    static long spreadMs(long intervalMs) {
        return Math.max(1, (long) (intervalMs * SPREAD));
    }

    /** A pk's offset into every interval: a mix of its bits, so that neighbours fall due apart. */
    static long offsetMs(long pk, long spreadMs) {
        long z = pk + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return Long.remainderUnsigned(z, spreadMs);
    }

    long intervalMs() {
        return intervalMs;
    }

    int size() {
        return pks.length;
    }

    int pk(int index) {
        return pks[index];
    }

    int offsetMs(int index) {
        return offsets[index];
    }

    /** The first index whose offset is at least {@code offsetMs}; {@link #size()} when none is. */
    int firstAtOrAfter(long offsetMs) {
        if (offsetMs <= 0) {
            return 0;
        }
        if (offsetMs > Integer.MAX_VALUE) {
            return pks.length;
        }
        int low = 0;
        int high = pks.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (offsets[mid] < offsetMs) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /**
     * Calls {@code visitor} for every pk due in [{@code fromMs}, {@code untilMs}), in due
     * order, with the tick it belongs to and its due time.
     */
    void forEachDue(long fromMs, long untilMs, DueVisitor visitor) {
        if (untilMs <= fromMs) {
            return;
        }
        for (long tick = Math.floorDiv(fromMs, intervalMs); tick * intervalMs < untilMs; tick++) {
            long start = tick * intervalMs;
            int end = firstAtOrAfter(untilMs - start);
            for (int i = firstAtOrAfter(fromMs - start); i < end; i++) {
                visitor.due(tick, pks[i], start + offsets[i]);
            }
        }
    }

    @FunctionalInterface
    interface DueVisitor {
        void due(long tick, int pk, long dueMs);
    }
}
