package io.mockstagram.pipeline.scheduling;

import io.mockstagram.membership.partition.Partitioner;

import java.util.List;

/**
 * Work a departed member may have left undone, which this producer redoes: the pks due in
 * [{@code fromMs}, {@code untilMs}) that the departed member owned when they fell due, and
 * that this producer's share after the departure, number {@code number} of {@code total},
 * owns.
 *
 * @param departed what the departed member served over the window, ascending by start: its
 *                 number and the total changed whenever another member joined or left
 */
record CatchUp(long fromMs, long untilMs, List<Share> departed, int number, int total) {

    CatchUp {
        departed = List.copyOf(departed);
    }

    boolean covers(long dueMs) {
        return dueMs >= fromMs && dueMs < untilMs;
    }

    boolean owns(Partitioner partitioner, int pk, long dueMs) {
        if (number == 0 || !partitioner.owns(pk, number, total)) {
            return false;
        }
        Share inForce = null;
        for (Share share : departed) {
            if (share.fromMs() > dueMs) {
                break;
            }
            inForce = share;
        }
        return inForce != null && inForce.owns(partitioner, pk);
    }
}
