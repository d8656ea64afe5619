package io.mockstagram.pipeline.latest;

import io.mockstagram.pipeline.timeseries.AggregateRows;

import java.util.Arrays;

/** Aggregate rows for tests, one at a time. */
final class Rows {

    private Rows() {
    }

    /** A pk's row after {@code readings} readings summing to {@code sum}, the latest scheduled at {@code scheduledAtMs}. */
    static AggregateRows row(int pk, long readings, long sum, long scheduledAtMs, int followers, int following) {
        return new AggregateRows(new int[] {pk}, new long[] {readings}, new long[] {sum}, new long[] {scheduledAtMs},
                new int[] {followers}, new int[] {following}, new long[] {scheduledAtMs + 1234});
    }

    static AggregateRows of(AggregateRows... rows) {
        return Arrays.stream(rows).reduce(AggregateRows.NONE, AggregateRows::plus);
    }
}
