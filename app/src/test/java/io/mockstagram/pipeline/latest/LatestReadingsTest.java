package io.mockstagram.pipeline.latest;

import io.mockstagram.pipeline.Verdict;
import io.mockstagram.pipeline.timeseries.AggregateRows;
import io.mockstagram.testing.SharedRedis;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.stream.IntStream;

import static io.mockstagram.pipeline.latest.Rows.of;
import static io.mockstagram.pipeline.latest.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LatestReadingsTest {

    private static final int ANN = 1_000_001;
    private static final int BOB = 1_000_002;
    private static final int CAT = 1_000_003;
    private static final long T1 = 1_800_000_000_000L;
    private static final long T2 = T1 + 60_000;

    @RegisterExtension
    final SharedRedis redis = new SharedRedis();

    private LatestReadings view;

    @BeforeEach
    void connect() {
        view = new LatestReadings(redis.redis().async(), redis.namespace());
        await(view.preload());
    }

    private void markBuilt() {
        assertThat(await(view.lockRebuild("test", Duration.ofSeconds(10)))).isTrue();
        assertThat(await(view.markBuilt("test"))).isTrue();
    }

    @Test
    void answersNothingButRebuildingUntilTheViewIsMarkedBuilt() {
        apply(row(ANN, 1, 1000, T1, 1000, 100));

        assertThatThrownBy(() -> await(view.influencer(ANN))).hasRootCauseInstanceOf(ViewRebuildingException.class);
        assertThatThrownBy(() -> await(view.stats())).hasRootCauseInstanceOf(ViewRebuildingException.class);
        assertThat(await(view.isBuilt())).isFalse();

        markBuilt();
        assertThat(await(view.isBuilt())).isTrue();
        assertThat(influencer(ANN).followerCount()).isEqualTo(1000);
    }

    @Test
    void showsTheLatestReadingTheRankAndBothAveragesOfTheRows() {
        markBuilt();
        apply(of(row(ANN, 2, 4000, T2, 3000, 100), row(BOB, 2, 4500, T2, 2500, 50), row(CAT, 1, 500, T1, 500, 10)));

        InfluencerLatest ann = influencer(ANN);
        assertThat(ann.followerCount()).isEqualTo(3000);
        assertThat(ann.followingCount()).isEqualTo(100);
        assertThat(ann.followerRatio()).isEqualTo(30.0);
        assertThat(ann.rank()).isEqualTo(1);
        assertThat(ann.averageFollowerCount()).isEqualTo(2000.0);
        assertThat(ann.readings()).isEqualTo(2);
        assertThat(ann.scheduledAt()).isEqualTo(Instant.ofEpochMilli(T2));
        assertThat(ann.fetchedAt()).isEqualTo(Instant.ofEpochMilli(T2 + 1234));
        assertThat(ann.suspicious()).isNull();
        assertThat(influencer(BOB).rank()).isEqualTo(2);
        assertThat(influencer(CAT).rank()).isEqualTo(3);
        assertThat(await(view.stats())).isEqualTo(new LatestStats(3, (3000 + 2500 + 500) / 3.0));
    }

    @Test
    void keepsTheRowWithTheMostReadingsWhateverOrderRowsArriveIn() {
        markBuilt();
        assertThat(apply(row(ANN, 3, 6000, T2, 3000, 100))).isEqualTo(new BatchOutcome(1, 0));
        assertThat(apply(row(ANN, 2, 3000, T1, 2000, 100))).as("an older row, late").isEqualTo(new BatchOutcome(0, 1));
        assertThat(apply(row(ANN, 3, 6000, T2, 3000, 100))).as("the same row again").isEqualTo(new BatchOutcome(0, 1));

        assertThat(influencer(ANN).averageFollowerCount()).isEqualTo(2000.0);
        assertThat(influencer(ANN).followerCount()).isEqualTo(3000);
        assertThat(await(view.stats())).isEqualTo(new LatestStats(1, 3000));

        apply(row(ANN, 4, 7000, T2 + 60_000, 1000, 100));
        assertThat(influencer(ANN).followerCount()).isEqualTo(1000);
        assertThat(await(view.stats())).as("the global sum follows the change").isEqualTo(new LatestStats(1, 1000));
    }

    @Test
    void equalCountsShareARankAndAPkListedTwiceKeepsItsNewerRow() {
        markBuilt();
        apply(of(row(ANN, 1, 500, T1, 500, 10), row(BOB, 1, 900, T1, 900, 10), row(ANN, 2, 1400, T2, 900, 10)));

        assertThat(influencer(ANN).rank()).isEqualTo(1);
        assertThat(influencer(BOB).rank()).isEqualTo(1);
        assertThat(influencer(ANN).readings()).isEqualTo(2);
        assertThat(await(view.stats())).isEqualTo(new LatestStats(2, 900));
    }

    @Test
    void aRowWithoutReadingsIsOnlyAClassificationAndShowsNothing() {
        markBuilt();
        apply(row(ANN, 0, 0, 0, 0, 0));

        assertThat(await(view.influencer(ANN))).isEmpty();
        assertThat(await(view.stats())).isEqualTo(new LatestStats(0, 0));
    }

    @Test
    void coverageCountsTheNewReadingsOfABatchOnceHoweverManySlicesItTakes() {
        int rows = 2 * LatestReadings.SLICE + 50;
        AggregateRows batch = of(IntStream.range(0, rows).mapToObj(i -> row(ANN + i, 1, 10, T1, 10, 1))
                .toArray(AggregateRows[]::new));

        assertThat(await(view.apply(T1, rows, batch))).isEqualTo(new BatchOutcome(rows, 0));
        assertThat(await(view.coverage(T1))).isEqualTo(rows);
        assertThat(await(view.coverage(T2))).isZero();
    }

    @Test
    void theNewestClassificationIsShown() {
        markBuilt();
        apply(row(ANN, 1, 1000, T1, 1000, 100));

        assertThat(await(view.recordVerdicts(List.of(new Verdict(ANN, true, T1 + 2000))))).isEqualTo(1);
        assertThat(await(view.recordVerdicts(List.of(new Verdict(ANN, false, T1))))).as("an older answer, late").isZero();
        assertThat(influencer(ANN).suspicious()).isTrue();

        assertThat(await(view.recordVerdicts(List.of(new Verdict(ANN, false, T1 + 62_000), new Verdict(ANN, true, T1 + 3000)))))
                .as("two in one call, the newer first").isEqualTo(1);
        assertThat(influencer(ANN).suspicious()).isFalse();
    }

    @Test
    void oneRebuildHoldsTheLockAndAWipeMeanwhileKeepsItFromMarkingTheViewBuilt() {
        assertThat(await(view.lockRebuild("first", Duration.ofSeconds(10)))).isTrue();
        assertThat(await(view.lockRebuild("second", Duration.ofSeconds(10)))).isFalse();
        assertThat(await(view.renewRebuild("first", Duration.ofSeconds(10)))).isTrue();

        redis.redis().sync().del(view.keys().building());

        assertThat(await(view.renewRebuild("first", Duration.ofSeconds(10)))).isFalse();
        assertThat(await(view.markBuilt("first"))).isFalse();
        assertThat(await(view.isBuilt())).isFalse();
    }

    private BatchOutcome apply(AggregateRows rows) {
        return await(view.apply(T1, 0, rows));
    }

    private InfluencerLatest influencer(int pk) {
        Optional<InfluencerLatest> found = await(view.influencer(pk));
        assertThat(found).as("pk %d has a reading", pk).isPresent();
        return found.orElseThrow();
    }

    private static <T> T await(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }
}
