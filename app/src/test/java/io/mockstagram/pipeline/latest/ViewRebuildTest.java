package io.mockstagram.pipeline.latest;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mockstagram.pipeline.ReadingBatch;
import io.mockstagram.pipeline.Tick;
import io.mockstagram.pipeline.Verdict;
import io.mockstagram.pipeline.timeseries.AggregateRows;
import io.mockstagram.pipeline.timeseries.TimeSeries;
import io.mockstagram.pipeline.timeseries.TimeSeriesSettings;
import io.mockstagram.pipeline.timeseries.TimeSeriesStore;
import io.mockstagram.testing.SharedPostgres;
import io.mockstagram.testing.SharedRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The view rebuilt from PostgreSQL's aggregate table: afterwards every pk's latest reading,
 * average and rank, and the global figures, equal a computation over the table, also when
 * updaters kept writing while it ran.
 */
class ViewRebuildTest {

    private static final int FIRST = 1_000_000;
    private static final int PKS = 5000;
    private static final Duration INTERVAL = Duration.ofMinutes(1);

    @RegisterExtension
    final SharedPostgres postgres = new SharedPostgres();
    @RegisterExtension
    final SharedRedis redis = new SharedRedis();

    private TimeSeries timeSeries;
    private TimeSeriesStore store;
    private LatestReadings view;
    private ViewRebuilder rebuilder;

    @BeforeEach
    void open() {
        timeSeries = TimeSeries.open(postgres.databaseSettings(), postgres.namespace(), TimeSeriesSettings.defaults(),
                Duration.ofSeconds(10), null);
        store = timeSeries.store();
        view = new LatestReadings(redis.redis().async(), redis.namespace());
        join(view.preload());
        rebuilder = new ViewRebuilder(view, store.aggregates(), Duration.ofMillis(200), new SimpleMeterRegistry());
    }

    @AfterEach
    void close() {
        rebuilder.close();
        timeSeries.close();
    }

    /** What an updater does with a batch. */
    private void storeLikeAnUpdater(ReadingBatch batch) {
        TimeSeriesStore.Stored stored = store.insert(batch);
        store.aggregates().recordVerdicts(batch.verdicts());
        join(view.apply(batch.scheduledAtMs(), stored.inserted(), stored.aggregates()));
        join(view.recordVerdicts(batch.verdicts()));
    }

    private static ReadingBatch batch(Tick tick, int from, int count, List<Verdict> verdicts) {
        int[] pks = IntStream.range(from, from + count).toArray();
        int[] followers = Arrays.stream(pks).map(pk -> 100_000 + (pk * 31 + (int) tick.index() * 17) % 5000).toArray();
        int[] following = Arrays.stream(pks).map(pk -> 1000 + pk % 97).toArray();
        long[] fetched = Arrays.stream(pks).mapToLong(pk -> tick.start().toEpochMilli() + pk % 1000).toArray();
        return new ReadingBatch("b:" + tick.start() + ":" + from, tick.index(), tick.interval().toMillis(),
                tick.start().toEpochMilli(), tick.start().toEpochMilli(), pks, followers, following, fetched, verdicts);
    }

    private static Tick minutesAgo(int minutes) {
        return Tick.at(Instant.now().minus(INTERVAL.multipliedBy(minutes)), INTERVAL);
    }

    @Test
    void aRebuildCopiesEveryAggregateRowAndDropsTheOlderFormat() throws Exception {
        for (int minutes = 3; minutes >= 1; minutes--) {
            store.insert(batch(minutesAgo(minutes), FIRST, PKS, List.of()));
        }
        store.aggregates().recordVerdicts(List.of(new Verdict(FIRST + 7, true, 1000)));
        String legacy = view.keys().legacy().get(0);
        redis.redis().sync().hset(legacy, "1000000", "29000000,1,5,5,5,5,1");

        assertThat(rebuilder.rebuildIfFree()).isTrue();

        assertThat(join(view.isBuilt())).isTrue();
        assertThat(redis.redis().sync().exists(legacy)).as("the tick-keyed format is gone").isZero();
        assertViewEqualsTheAggregateTable();
        assertThat(join(view.influencer(FIRST + 7)).orElseThrow().suspicious()).isTrue();
        assertThat(join(view.influencer(FIRST + 8)).orElseThrow().suspicious()).isNull();
    }

    @Test
    void readingsStoredWhileTheViewIsRebuiltAreNeitherLostNorCountedTwice() throws Exception {
        for (int minutes = 4; minutes >= 2; minutes--) {
            storeLikeAnUpdater(batch(minutesAgo(minutes), FIRST, PKS, List.of()));
        }
        redis.redis().sync().unlink(view.keys().all().toArray(String[]::new));

        // Live writes go on throughout the rebuild: a new interval for every pk, one small batch at a time.
        AtomicInteger liveBatches = new AtomicInteger();
        Tick live = minutesAgo(1);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            for (int from = FIRST; from < FIRST + PKS; from += 50) {
                storeLikeAnUpdater(batch(live, from, 50, List.of(new Verdict(from, from % 2 == 0, System.currentTimeMillis()))));
                liveBatches.incrementAndGet();
            }
        });
        boolean rebuilt = rebuilder.rebuildIfFree();
        writer.get();

        assertThat(rebuilt).isTrue();
        assertThat(liveBatches.get()).isEqualTo(PKS / 50);
        assertViewEqualsTheAggregateTable();
        assertThat(store.aggregates().rows(new int[] {FIRST}).readings()).containsExactly(4);
    }

    @Test
    void aWipedViewIsNoticedAndRebuiltWithoutBeingAsked() throws Exception {
        storeLikeAnUpdater(batch(minutesAgo(1), FIRST, 500, List.of()));
        rebuilder.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> join(view.isBuilt()));

        redis.redis().sync().unlink(view.keys().all().toArray(String[]::new));

        await().atMost(Duration.ofSeconds(30)).until(() -> join(view.isBuilt()));
        assertViewEqualsTheAggregateTable();
    }

    /** Every pk as the view shows it against the table, and the global figures against a sum over it. */
    private void assertViewEqualsTheAggregateTable() throws Exception {
        List<AggregateRows> chunks = new ArrayList<>();
        store.aggregates().scan(1000, chunk -> chunks.add(chunk.rows()));
        AggregateRows all = chunks.stream().reduce(AggregateRows.NONE, AggregateRows::plus);
        int[] latest = new int[all.size()];
        long sum = 0;
        long tracked = 0;
        for (int i = 0; i < all.size(); i++) {
            latest[i] = all.followers()[i];
            if (all.readings()[i] > 0) {
                sum += latest[i];
                tracked++;
            }
        }
        int[] sorted = latest.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < all.size(); i++) {
            if (all.readings()[i] == 0) {
                continue;
            }
            int pk = all.pks()[i];
            InfluencerLatest shown = join(view.influencer(pk)).orElseThrow();
            assertThat(shown.readings()).as("readings of %d", pk).isEqualTo(all.readings()[i]);
            assertThat(shown.averageFollowerCount()).as("average of %d", pk)
                    .isEqualTo((double) all.followerSums()[i] / all.readings()[i]);
            assertThat(shown.followerCount()).as("latest of %d", pk).isEqualTo(all.followers()[i]);
            assertThat(shown.scheduledAt().toEpochMilli()).isEqualTo(all.scheduledAtMs()[i]);
            int atOrBelow = upperBound(sorted, all.followers()[i]);
            assertThat(shown.rank()).as("rank of %d", pk).isEqualTo(1 + sorted.length - atOrBelow);
        }
        assertThat(join(view.stats())).isEqualTo(LatestStats.of(sum, tracked));
    }

    /** How many values are at most {@code value}. */
    private static int upperBound(int[] sorted, int value) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= value) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static <T> T join(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }
}
