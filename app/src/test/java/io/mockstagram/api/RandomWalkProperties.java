package io.mockstagram.api;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

import static io.mockstagram.api.RandomWalk.FOLLOWER_FLOOR;
import static io.mockstagram.api.RandomWalk.FOLLOWING_FLOOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RandomWalkProperties {

    @Provide
    Arbitrary<Counts> reachableCounts() {
        return Combinators.combine(
                Arbitraries.integers().between(FOLLOWER_FLOOR, Integer.MAX_VALUE),
                Arbitraries.integers().between(FOLLOWING_FLOOR, Integer.MAX_VALUE)).as(Counts::new);
    }

    @Property
    void startingCountsAreNeverBelowTheFloors(@ForAll double followersNoise, @ForAll double followingNoise) {
        Counts start = RandomWalk.start(followersNoise, followingNoise);

        assertThat(start.followers()).isGreaterThanOrEqualTo(FOLLOWER_FLOOR);
        assertThat(start.following()).isGreaterThanOrEqualTo(FOLLOWING_FLOOR);
    }

    @Property
    void noStepTakesCountsBelowTheFloors(@ForAll("reachableCounts") Counts counts,
                                         @ForAll double followersNoise, @ForAll double followingNoise) {
        Counts after = RandomWalk.step(counts, followersNoise, followingNoise);

        assertThat(after.followers()).isGreaterThanOrEqualTo(FOLLOWER_FLOOR);
        assertThat(after.following()).isGreaterThanOrEqualTo(FOLLOWING_FLOOR);
    }

    @Property
    void aboveTheFloorsAStepAddsTenThousandTimesTheNoiseToFollowersAndAHundredTimesToFollowing(
            @ForAll @IntRange(min = FOLLOWER_FLOOR, max = 100_000_000) int followers,
            @ForAll @IntRange(min = FOLLOWING_FLOOR, max = 1_000_000) int following,
            @ForAll @DoubleRange(min = -6, max = 6) double followersNoise,
            @ForAll @DoubleRange(min = -6, max = 6) double followingNoise) {
        double expectedFollowers = followers + 10_000 * followersNoise;
        double expectedFollowing = following + 100 * followingNoise;
        Assume.that(expectedFollowers >= FOLLOWER_FLOOR && expectedFollowing >= FOLLOWING_FLOOR);

        Counts after = RandomWalk.step(new Counts(followers, following), followersNoise, followingNoise);

        assertThat((double) after.followers()).isCloseTo(expectedFollowers, within(0.5));
        assertThat((double) after.following()).isCloseTo(expectedFollowing, within(0.5));
    }

    @Property
    void aStepThatWouldCrossAFloorStopsAtIt(@ForAll @IntRange(min = FOLLOWER_FLOOR, max = 100_000) int followers,
                                           @ForAll @IntRange(min = FOLLOWING_FLOOR, max = 1000) int following,
                                           @ForAll @DoubleRange(min = -1e6, max = -10.01) double noise) {
        Counts after = RandomWalk.step(new Counts(followers, following), noise, noise);

        assertThat(after).isEqualTo(new Counts(FOLLOWER_FLOOR, FOLLOWING_FLOOR));
    }

    @Property
    void noiseOfAHundredthOrMoreChangesBothCountsAwayFromTheFloors(
            @ForAll @IntRange(min = 100_000, max = 100_000_000) int followers,
            @ForAll @IntRange(min = 1_000, max = 1_000_000) int following,
            @ForAll @DoubleRange(min = 0.01, max = 5) double magnitude,
            @ForAll boolean down) {
        double noise = down ? -magnitude : magnitude;

        Counts after = RandomWalk.step(new Counts(followers, following), noise, noise);

        assertThat(after.followers()).isNotEqualTo(followers);
        assertThat(after.following()).isNotEqualTo(following);
    }

    @Property
    void countsSurvivePackingIntoOneLong(@ForAll @IntRange(min = 0) int followers, @ForAll @IntRange(min = 0) int following) {
        Counts counts = new Counts(followers, following);

        assertThat(Counts.unpack(counts.packed())).isEqualTo(counts);
    }

    @Example
    void withoutNoiseInfluencersStartAtAHundredThousandFollowersAndAThousandFollowing() {
        assertThat(RandomWalk.start(0, 0)).isEqualTo(new Counts(100_000, 1000));
        assertThat(RandomWalk.start(0.5, -0.5)).isEqualTo(new Counts(150_000, 500));
    }

    @Example
    void farBelowZeroNoiseStartsInfluencersAtTheFloors() {
        assertThat(RandomWalk.start(-3, -3)).isEqualTo(new Counts(FOLLOWER_FLOOR, FOLLOWING_FLOOR));
    }
}
