package io.mockstagram.pipeline.scheduling;

import io.mockstagram.membership.partition.Partitioner;

/**
 * From {@code fromMs} on (by due time), this producer serves the pks that number
 * {@code number} of {@code total} owns; number 0 serves none.
 */
record Share(long fromMs, int number, int total) {

    static Share none(long fromMs) {
        return new Share(fromMs, 0, 0);
    }

    boolean owns(Partitioner partitioner, int pk) {
        return number > 0 && partitioner.owns(pk, number, total);
    }
}
