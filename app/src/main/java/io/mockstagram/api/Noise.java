package io.mockstagram.api;

import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

/**
 * Standard normal draws for the walk and the is_suspicious delays. Each thread draws from its
 * own generator, split from one seeded root, so event loops never contend for a generator.
 */
final class Noise implements DoubleSupplier {

    private final SplittableRandom root;
    private final ThreadLocal<SplittableRandom> perThread = ThreadLocal.withInitial(this::split);

    Noise(long seed) {
        // A split stream, independent of the draws that set the starting counts from the same seed.
        this.root = new SplittableRandom(seed).split();
    }

    @Override
    public double getAsDouble() {
        return perThread.get().nextGaussian();
    }

    private synchronized SplittableRandom split() {
        return root.split();
    }
}
