package io.mockstagram.api;

/**
 * How counts start and move, as the contract states them: every read adds 10000·g followers
 * and 100·g following, with g standard normal, and neither may fall below its floor.
 */
final class RandomWalk {

    static final int FOLLOWER_FLOOR = 5000;
    static final int FOLLOWING_FLOOR = 50;
    static final double FOLLOWER_START = 100_000;
    static final double FOLLOWING_START = 1000;
    static final double FOLLOWER_STEP = 10_000;
    static final double FOLLOWING_STEP = 100;

    private RandomWalk() {
    }

    static Counts start(double followersNoise, double followingNoise) {
        return new Counts(whole(FOLLOWER_START * (1 + followersNoise), FOLLOWER_FLOOR),
                whole(FOLLOWING_START * (1 + followingNoise), FOLLOWING_FLOOR));
    }

    static Counts step(Counts counts, double followersNoise, double followingNoise) {
        return new Counts(whole(counts.followers() + FOLLOWER_STEP * followersNoise, FOLLOWER_FLOOR),
                whole(counts.following() + FOLLOWING_STEP * followingNoise, FOLLOWING_FLOOR));
    }

    /** Rounds to a whole count at or above the floor; the ceiling only keeps an int from wrapping. */
    private static int whole(double value, int floor) {
        return (int) Math.max(floor, Math.min(Integer.MAX_VALUE, Math.round(value)));
    }
}
