package io.mockstagram.pipeline.scheduling;

import io.mockstagram.membership.Assignment;
import io.mockstagram.membership.partition.Partitioner;
import io.mockstagram.pipeline.PkRange;
import io.mockstagram.pipeline.Tick;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.BitSet;

/**
 * One producer's share of one tick, cut into batches whose due times are spread evenly from
 * {@code from} to {@code until}, so that fetchers see a steady load rather than a burst
 * at the top of each interval.
 */
final class Plan {

    /** Leaves the last part of each interval for fetching and storing the last batches. */
    static final double SPREAD = 0.8;

    final Tick tick;
    final Assignment assignment;
    private final int[][] batches;
    private final long fromMs;
    private final long untilMs;
    private int next;

    private Plan(Tick tick, Assignment assignment, int[][] batches, long fromMs, long untilMs) {
        this.tick = tick;
        this.assignment = assignment;
        this.batches = batches;
        this.fromMs = fromMs;
        this.untilMs = untilMs;
    }

    /**
     * The share of {@code assignment} for {@code tick}, less the pks this producer already
     * scheduled in this tick, spread from {@code now} to the end of the spread window.
     */
    static Plan create(Tick tick, Assignment assignment, Partitioner partitioner, PkRange range, int batchSize,
                       BitSet alreadyScheduled, Instant now) {
        int[] share = share(partitioner, range, assignment.serverNumber(), assignment.total(), alreadyScheduled);
        int count = (share.length + batchSize - 1) / batchSize;
        int[][] batches = new int[count][];
        for (int i = 0; i < count; i++) {
            batches[i] = Arrays.copyOfRange(share, i * batchSize, Math.min(share.length, (i + 1) * batchSize));
        }
        long spreadEnd = tick.start().toEpochMilli() + (long) (tick.interval().toMillis() * SPREAD);
        long from = now.toEpochMilli();
        return new Plan(tick, assignment, batches, from, Math.max(from, spreadEnd));
    }

    static int[] share(Partitioner partitioner, PkRange range, int number, int total, BitSet except) {
        int[] owned = new int[range.count() / total + 1];
        int n = 0;
        for (int pk = range.first(); pk <= range.last(); pk++) {
            if (!except.get(pk - range.first()) && partitioner.owns(pk, number, total)) {
                if (n == owned.length) {
                    owned = Arrays.copyOf(owned, owned.length * 2);
                }
                owned[n++] = pk;
            }
        }
        return Arrays.copyOf(owned, n);
    }

    boolean sameAs(Tick otherTick, Assignment other) {
        return tick.equals(otherTick) && assignment.epoch() == other.epoch()
                && assignment.serverNumber() == other.serverNumber() && assignment.total() == other.total();
    }

    int size() {
        return batches.length;
    }

    int pks() {
        return Arrays.stream(batches).mapToInt(b -> b.length).sum();
    }

    boolean hasDue(Instant now) {
        return next < batches.length && dueAtMs(next) <= now.toEpochMilli();
    }

    int nextIndex() {
        return next;
    }

    int[] nextBatch() {
        return batches[next];
    }

    long dueAtMs(int index) {
        return fromMs + (untilMs - fromMs) * index / Math.max(1, batches.length);
    }

    void advance() {
        next++;
    }

    Duration window() {
        return Duration.ofMillis(untilMs - fromMs);
    }
}
