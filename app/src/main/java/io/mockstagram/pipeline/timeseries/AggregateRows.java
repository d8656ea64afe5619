package io.mockstagram.pipeline.timeseries;

import java.util.Arrays;

/**
 * Rows of the aggregate table, in parallel arrays (the shape Redis scripts take): influencer
 * {@code pks[i]} has {@code readings[i]} readings whose follower counts sum to
 * {@code followerSums[i]}, the latest of them scheduled at {@code scheduledAtMs[i]}. A row with
 * no reading yet (only a classification) has {@code readings[i] == 0} and zero latest values.
 *
 * <p>{@code readings} only ever grows for a pk, and each value of it comes with exactly one
 * state of the other columns, so it orders the states of one influencer: a copy that keeps
 * the row with the most readings is exact whatever order rows reach it in.
 */
public record AggregateRows(int[] pks, long[] readings, long[] followerSums, long[] scheduledAtMs, int[] followers,
                            int[] following, long[] fetchedAtMs) {

    public static final AggregateRows NONE = new AggregateRows(0);

    public AggregateRows {
        int n = pks.length;
        if (readings.length != n || followerSums.length != n || scheduledAtMs.length != n || followers.length != n
                || following.length != n || fetchedAtMs.length != n) {
            throw new IllegalArgumentException("aggregate rows need arrays of one length");
        }
    }

    AggregateRows(int size) {
        this(new int[size], new long[size], new long[size], new long[size], new int[size], new int[size], new long[size]);
    }

    public int size() {
        return pks.length;
    }

    public AggregateRows slice(int from, int to) {
        return new AggregateRows(Arrays.copyOfRange(pks, from, to), Arrays.copyOfRange(readings, from, to),
                Arrays.copyOfRange(followerSums, from, to), Arrays.copyOfRange(scheduledAtMs, from, to),
                Arrays.copyOfRange(followers, from, to), Arrays.copyOfRange(following, from, to),
                Arrays.copyOfRange(fetchedAtMs, from, to));
    }

    /** These rows followed by {@code more}. */
    public AggregateRows plus(AggregateRows more) {
        if (more.size() == 0) {
            return this;
        }
        AggregateRows all = new AggregateRows(size() + more.size());
        for (int i = 0; i < size(); i++) {
            all.set(i, this, i);
        }
        for (int i = 0; i < more.size(); i++) {
            all.set(size() + i, more, i);
        }
        return all;
    }

    void set(int i, AggregateRows from, int j) {
        pks[i] = from.pks[j];
        readings[i] = from.readings[j];
        followerSums[i] = from.followerSums[j];
        scheduledAtMs[i] = from.scheduledAtMs[j];
        followers[i] = from.followers[j];
        following[i] = from.following[j];
        fetchedAtMs[i] = from.fetchedAtMs[j];
    }
}
