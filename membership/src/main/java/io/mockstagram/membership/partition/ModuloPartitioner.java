package io.mockstagram.membership.partition;

/**
 * The original rule, {@code key % total == serverNumber - 1}. Simple and perfectly even,
 * but when the total changes almost every key changes owner.
 */
public final class ModuloPartitioner implements Partitioner {

    @Override
    public int ownerOf(long key, int total) {
        requirePositive(total);
        return (int) Math.floorMod(key, (long) total) + 1;
    }

    @Override
    public String name() {
        return "modulo";
    }

    static void requirePositive(int total) {
        if (total < 1) {
            throw new IllegalArgumentException("total must be at least 1, was " + total);
        }
    }
}
