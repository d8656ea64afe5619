package io.mockstagram.pipeline.scheduling;

import io.mockstagram.membership.partition.Partitioner;

/**
 * Work a departed member may have left undone, which this producer redoes: the pks due in
 * [{@code fromMs}, {@code untilMs}) that number {@code departedNumber} of
 * {@code departedTotal} owned, and that this producer's share after the departure,
 * number {@code number} of {@code total}, owns.
 */
record CatchUp(long fromMs, long untilMs, int departedNumber, int departedTotal, int number, int total) {

    boolean covers(long dueMs) {
        return dueMs >= fromMs && dueMs < untilMs;
    }

    boolean owns(Partitioner partitioner, int pk) {
        return number > 0 && partitioner.owns(pk, departedNumber, departedTotal) && partitioner.owns(pk, number, total);
    }
}
