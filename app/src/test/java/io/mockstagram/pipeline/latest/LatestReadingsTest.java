package io.mockstagram.pipeline.latest;

import io.mockstagram.pipeline.ReadingBatch;
import io.mockstagram.testing.SharedRedis;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.stream.IntStream;

import static io.mockstagram.pipeline.latest.Reading.batch;
import static io.mockstagram.pipeline.latest.Reading.of;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LatestReadingsTest {

    private static final int ANN = 1_000_001;
    private static final int BOB = 1_000_002;
    private static final int CAT = 1_000_003;
    private static final int DAN = 1_000_004;

    @RegisterExtension
    final SharedRedis redis = new SharedRedis();

    private LatestReadings latest;

    @BeforeEach
    void connect() {
        latest = new LatestReadings(redis.redis().async(), redis.namespace());
        await(latest.preload());
    }

    @Test
    void keepsTheLatestReadingTheRankAndBothAverages() {
        apply(batch(1, of(ANN, 1000, 100), of(BOB, 2000, 50), of(CAT, 500, 10)));
        apply(batch(2, of(ANN, 3000, 100), of(BOB, 2500, 50)));

        InfluencerLatest ann = influencer(ANN);
        assertThat(ann.followerCount()).isEqualTo(3000);
        assertThat(ann.followingCount()).isEqualTo(100);
        assertThat(ann.followerRatio()).isEqualTo(30.0);
        assertThat(ann.rank()).isEqualTo(1);
        assertThat(ann.averageFollowerCount()).isEqualTo(2000.0);
        assertThat(ann.tick()).isEqualTo(2);
        assertThat(ann.fetchedAt()).isEqualTo(Instant.ofEpochMilli(Reading.fetchedAt(2, ANN)));
        assertThat(ann.suspicious()).isNull();

        assertThat(influencer(BOB).rank()).isEqualTo(2);
        assertThat(influencer(BOB).averageFollowerCount()).isEqualTo(2250.0);
        InfluencerLatest cat = influencer(CAT);
        assertThat(cat.rank()).isEqualTo(3);
        assertThat(cat.tick()).isEqualTo(1);
        assertThat(cat.averageFollowerCount()).isEqualTo(500.0);

        LatestStats stats = await(latest.stats());
        assertThat(stats.influencersTracked()).isEqualTo(3);
        assertThat(stats.averageFollowerCount()).isCloseTo((3000 + 2500 + 500) / 3.0, within(1e-9));
    }

    @Test
    void equalFollowerCountsShareARank() {
        apply(batch(1, of(ANN, 100, 1), of(BOB, 200, 1), of(CAT, 200, 1), of(DAN, 50, 1)));

        assertThat(influencer(BOB).rank()).isEqualTo(1);
        assertThat(influencer(CAT).rank()).isEqualTo(1);
        assertThat(influencer(ANN).rank()).isEqualTo(3);
        assertThat(influencer(DAN).rank()).isEqualTo(4);
    }

    @Test
    void aRedeliveredBatchChangesNothing() {
        apply(batch(1, of(ANN, 1000, 100), of(BOB, 2000, 50)));
        ReadingBatch second = batch(2, of(ANN, 1500, 100), of(BOB, 1800, 50), of(CAT, 900, 30));
        apply(second);
        List<Object> before = everything(2);

        BatchOutcome again = apply(second);

        assertThat(again).isEqualTo(new BatchOutcome(0, 3, 0));
        assertThat(everything(2)).isEqualTo(before);
    }

    @Test
    void theSameReadingInTwoBatchesCountsOnce() {
        apply(batch(5, of(ANN, 1000, 100), of(BOB, 2000, 50)));

        BatchOutcome republished = apply(batch(5, of(BOB, 2100, 51), of(CAT, 700, 20)));

        assertThat(republished).isEqualTo(new BatchOutcome(1, 1, 0));
        InfluencerLatest bob = influencer(BOB);
        assertThat(bob.followerCount()).as("the first reading of (pk, tick) stays").isEqualTo(2000);
        assertThat(bob.averageFollowerCount()).isEqualTo(2000.0);
        assertThat(await(latest.coverage(5))).isEqualTo(3);
        assertThat(await(latest.stats()).averageFollowerCount()).isCloseTo((1000 + 2000 + 700) / 3.0, within(1e-9));
    }

    @Test
    void aLateOlderReadingCountsOnceInTheAverageButIsNotTheLatest() {
        apply(batch(10, of(ANN, 1000, 100)));
        apply(batch(12, of(ANN, 3000, 300)));

        BatchOutcome late = apply(batch(11, of(ANN, 2000, 200)));
        BatchOutcome lateAgain = apply(batch(11, of(ANN, 2000, 200)));

        assertThat(late).isEqualTo(new BatchOutcome(1, 0, 0));
        assertThat(lateAgain).isEqualTo(new BatchOutcome(0, 1, 0));
        InfluencerLatest ann = influencer(ANN);
        assertThat(ann.tick()).isEqualTo(12);
        assertThat(ann.followerCount()).isEqualTo(3000);
        assertThat(ann.followingCount()).isEqualTo(300);
        assertThat(ann.averageFollowerCount()).isEqualTo(2000.0);
        assertThat(await(latest.stats()).averageFollowerCount()).isEqualTo(3000.0);
        assertThat(await(latest.coverage(11))).isEqualTo(1);
    }

    @Test
    void aReadingOlderThanTheWindowIsLeftOutAndReported() {
        apply(batch(100, of(ANN, 1000, 100)));
        apply(batch(140, of(ANN, 3000, 100)));

        BatchOutcome ancient = apply(batch(101, of(ANN, 99_000, 100)));

        assertThat(ancient).isEqualTo(new BatchOutcome(0, 0, 1));
        assertThat(influencer(ANN).averageFollowerCount()).isEqualTo(2000.0);
        assertThat(await(latest.coverage(101))).isZero();
    }

    @Test
    void coverageCountsDistinctPksPerTick() {
        apply(batch(7, of(ANN, 1, 1), of(BOB, 1, 1), of(CAT, 1, 1)));
        apply(batch(7, of(BOB, 1, 1), of(DAN, 1, 1)));
        apply(batch(8, of(ANN, 1, 1)));

        assertThat(await(latest.coverage(7))).isEqualTo(4);
        assertThat(await(latest.coverage(8))).isEqualTo(1);
        assertThat(await(latest.coverage(9))).isZero();
    }

    @Test
    void coverageKeepsOnlyTheMostRecentTicks() {
        for (long tick = 1; tick <= 251; tick++) {
            apply(batch(tick, of(ANN, 1, 1)));
        }

        assertThat(await(latest.coverage(51))).isZero();
        assertThat(await(latest.coverage(52))).isEqualTo(1);
        assertThat(await(latest.coverage(251))).isEqualTo(1);
        assertThat(redis.redis().sync().hlen(latest.keys().coverage())).isEqualTo(200);
    }

    @Test
    void aBatchLargerThanOneRedisCallIsAppliedWhole() {
        List<Reading> readings = IntStream.range(0, 2500).mapToObj(i -> of(2_000_000 + i, 10_000 + i, 100)).toList();

        BatchOutcome outcome = apply(batch(3, readings));

        assertThat(outcome).isEqualTo(new BatchOutcome(2500, 0, 0));
        assertThat(await(latest.stats()).influencersTracked()).isEqualTo(2500);
        assertThat(influencer(2_000_000).rank()).isEqualTo(2500);
        assertThat(influencer(2_002_499).rank()).isEqualTo(1);
        assertThat(await(latest.coverage(3))).isEqualTo(2500);
    }

    @Test
    void anUnknownPkHasNothing() {
        apply(batch(1, of(ANN, 1000, 100)));

        assertThat(await(latest.influencer(BOB))).isEmpty();
    }

    @Test
    void statsOfNothingAreZero() {
        assertThat(await(latest.stats())).isEqualTo(new LatestStats(0, 0));
        assertThat(await(latest.apply(batch(1)))).isEqualTo(BatchOutcome.NOTHING);
    }

    @Test
    void theNewestClassificationIsShown() {
        apply(batch(1, of(ANN, 1000, 100)));
        Instant first = Instant.ofEpochMilli(60_000);

        assertThat(await(latest.recordSuspicious(ANN, true, first.plusSeconds(2)))).isTrue();
        assertThat(await(latest.recordSuspicious(ANN, false, first))).as("an older answer arriving late").isFalse();

        assertThat(influencer(ANN).suspicious()).isTrue();
        assertThat(await(latest.recordSuspicious(ANN, false, first.plusSeconds(62)))).isTrue();
        assertThat(influencer(ANN).suspicious()).isFalse();
    }

    /** What every read shows for the pks above, the stats and one tick's coverage. */
    private List<Object> everything(long tick) {
        List<Object> all = new ArrayList<>();
        for (int pk : new int[] {ANN, BOB, CAT, DAN}) {
            all.add(await(latest.influencer(pk)));
        }
        all.add(await(latest.stats()));
        all.add(await(latest.coverage(tick)));
        return all;
    }

    private BatchOutcome apply(ReadingBatch batch) {
        return await(latest.apply(batch));
    }

    private InfluencerLatest influencer(int pk) {
        Optional<InfluencerLatest> found = await(latest.influencer(pk));
        assertThat(found).as("pk %d has a reading", pk).isPresent();
        return found.orElseThrow();
    }

    private static <T> T await(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }
}
