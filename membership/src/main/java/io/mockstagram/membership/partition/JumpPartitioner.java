package io.mockstagram.membership.partition;

/**
 * Jump consistent hash (Lamping and Veach, 2014) over the dense numbers. When the total
 * drops from n to n-1, only the keys of bucket n move; together with the nurse moving the
 * highest member into the freed number, a departure moves about 2/n of the keys rather
 * than nearly all of them.
 */
public final class JumpPartitioner implements Partitioner {

    @Override
    public int ownerOf(long key, int total) {
        ModuloPartitioner.requirePositive(total);
        return bucket(mix(key), total) + 1;
    }

    @Override
    public String name() {
        return "jump";
    }

    static int bucket(long key, int buckets) {
        long candidate = -1;
        long next = 0;
        while (next < buckets) {
            candidate = next;
            key = key * 2862933555777941143L + 1;
            next = (long) ((candidate + 1) * ((double) (1L << 31) / (double) ((key >>> 33) + 1)));
        }
        return (int) candidate;
    }

    /** Spreads sequential ids, which the jump hash's generator would otherwise handle poorly. */
    private static long mix(long key) {
        key = (key ^ (key >>> 30)) * 0xbf58476d1ce4e5b9L;
        key = (key ^ (key >>> 27)) * 0x94d049bb133111ebL;
        return key ^ (key >>> 31);
    }
}
