package io.mockstagram.bench;

import io.mockstagram.membership.partition.Partitioner;

/**
 * How many keys change owner when one of {@code total} members departs and the highest
 * member takes its number, averaged over which member departs.
 */
public final class KeyMovement {

    private KeyMovement() {
    }

    public static double movedFraction(Partitioner partitioner, long firstKey, int keys, int total) {
        if (total < 2) {
            throw new IllegalArgumentException("a departure needs at least two members");
        }
        int[] before = new int[keys];
        int[] after = new int[keys];
        for (int i = 0; i < keys; i++) {
            before[i] = partitioner.ownerOf(firstKey + i, total);
            after[i] = partitioner.ownerOf(firstKey + i, total - 1);
        }
        long moved = 0;
        for (int departed = 1; departed <= total; departed++) {
            for (int i = 0; i < keys; i++) {
                // Members are named by their number before the departure; afterwards the
                // departed number belongs to the member that held the highest one.
                int newOwner = after[i] == departed ? total : after[i];
                if (before[i] != newOwner) {
                    moved++;
                }
            }
        }
        return (double) moved / ((long) keys * total);
    }
}
