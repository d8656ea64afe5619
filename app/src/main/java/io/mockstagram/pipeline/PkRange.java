package io.mockstagram.pipeline;

/** The influencers tracked: pks first .. first + count - 1 (1000000.. by default). */
public record PkRange(int first, int count) {

    public static final int FIRST_PK = 1_000_000;

    public PkRange {
        if (count < 1) {
            throw new IllegalArgumentException("--influencers must be at least 1, was " + count);
        }
    }

    public static PkRange of(int influencers) {
        return new PkRange(FIRST_PK, influencers);
    }

    public int last() {
        return first + count - 1;
    }

    public boolean contains(long pk) {
        return pk >= first && pk <= last();
    }
}
