package io.mockstagram.api;

/**
 * One influencer's follower and following counts. Both fit in one {@code long}, which lets the
 * table move them together with a single compare-and-set.
 */
public record Counts(int followers, int following) {

    long packed() {
        return ((long) followers << 32) | (following & 0xFFFF_FFFFL);
    }

    static Counts unpack(long packed) {
        return new Counts((int) (packed >>> 32), (int) packed);
    }
}
