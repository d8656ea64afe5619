package io.mockstagram.api;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

/**
 * The live counts of every influencer, pk {@value #FIRST_PK} onwards: one {@code long} per
 * influencer (8 MB for a million), no object per influencer.
 *
 * <p>Event loops on different cores may read the same influencer at once. Each slot holds both
 * counts, so one compare-and-set moves the pair: a reader never sees the followers of one step
 * with the following of another, a concurrent step is never lost, and no lock is taken. With a
 * million slots and a handful of threads a retry is rare; it applies the same noise to the fresh
 * value, so every read still moves the counts by exactly one step.
 */
final class InfluencerTable {

    static final long FIRST_PK = 1_000_000L;

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] slots;
    private final DoubleSupplier noise;

    private InfluencerTable(long[] slots, DoubleSupplier noise) {
        this.slots = slots;
        this.noise = noise;
    }

    /** Starting counts drawn from {@code seed}, so that the same seed gives the same table. */
    static InfluencerTable seeded(int size, long seed, DoubleSupplier noise) {
        SplittableRandom starts = new SplittableRandom(seed);
        long[] slots = new long[size];
        for (int i = 0; i < size; i++) {
            slots[i] = RandomWalk.start(starts.nextGaussian(), starts.nextGaussian()).packed();
        }
        return new InfluencerTable(slots, noise);
    }

    int size() {
        return slots.length;
    }

    long lastPk() {
        return FIRST_PK + slots.length - 1;
    }

    boolean contains(long pk) {
        return pk >= FIRST_PK && pk - FIRST_PK < slots.length;
    }

    /** The counts as they are, without moving them. */
    Counts peek(long pk) {
        return Counts.unpack((long) SLOT.getVolatile(slots, index(pk)));
    }

    /** Moves the counts one step of the walk and returns them as they are after it. */
    Counts read(long pk) {
        int index = index(pk);
        double followersNoise = noise.getAsDouble();
        double followingNoise = noise.getAsDouble();
        while (true) {
            long before = (long) SLOT.getVolatile(slots, index);
            Counts after = RandomWalk.step(Counts.unpack(before), followersNoise, followingNoise);
            if (SLOT.compareAndSet(slots, index, before, after.packed())) {
                return after;
            }
        }
    }

    private int index(long pk) {
        if (!contains(pk)) {
            throw new IllegalArgumentException("no influencer " + pk + " (valid: " + FIRST_PK + ".." + lastPk() + ")");
        }
        return (int) (pk - FIRST_PK);
    }
}
