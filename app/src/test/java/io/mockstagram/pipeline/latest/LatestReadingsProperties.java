package io.mockstagram.pipeline.latest;

import io.mockstagram.pipeline.timeseries.AggregateRows;
import io.mockstagram.testing.SharedRedis;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.lifecycle.BeforeTry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each pk's aggregate row goes through a history of states (one more reading each), and those
 * states reach the view in any order, any grouping and any number of times, as redeliveries,
 * racing updaters and a rebuild beside live writes deliver them. After every delivery each
 * pk's latest reading, average and rank, and the global figures, are those of the newest
 * state delivered so far.
 */
class LatestReadingsProperties {

    private static final int FIRST_PK = 1_000_000;
    private static final int PKS = 6;
    private static final int STATES = 5;
    private static final long T0 = 1_800_000_000_000L;

    private final SharedRedis redis = new SharedRedis();
    private LatestReadings view;

    /** State {@code n} (1-based) of one pk's row: n readings with follower counts following from pk and n. */
    record State(int pk, int n) {
        int followers() {
            return 1000 + (pk * 7 + n * 13) % 50;
        }

        long sum() {
            long sum = 0;
            for (int i = 1; i <= n; i++) {
                sum += new State(pk, i).followers();
            }
            return sum;
        }

        AggregateRows row() {
            // Scheduled times step by 30 s or 60 s, as when --interval changes mid-history.
            return Rows.row(pk, n, sum(), T0 + n * (pk % 2 == 0 ? 30_000L : 60_000L), followers(), 10 + n);
        }
    }

    @BeforeProperty
    void open() {
        redis.open();
    }

    @BeforeTry
    void fresh() {
        view = new LatestReadings(redis.redis().async(), redis.nextNamespace());
        await(view.preload());
        await(view.lockRebuild("t", Duration.ofSeconds(30)));
        await(view.markBuilt("t"));
    }

    @AfterTry
    void clean() {
        redis.redis().sync().unlink(view.keys().all().toArray(String[]::new));
    }

    @AfterProperty
    void close() {
        redis.close();
    }

    @Property(tries = 60)
    void theViewShowsTheNewestStateDeliveredWhateverTheOrder(@ForAll("deliveries") List<List<State>> deliveries) {
        Map<Integer, State> newest = new HashMap<>();
        for (List<State> delivery : deliveries) {
            await(view.apply(0, 0, Rows.of(delivery.stream().map(State::row).toArray(AggregateRows[]::new))));
            delivery.forEach(state -> newest.merge(state.pk(), state, (a, b) -> a.n() >= b.n() ? a : b));

            for (int pk = FIRST_PK; pk < FIRST_PK + PKS; pk++) {
                Optional<InfluencerLatest> shown = await(view.influencer(pk));
                State expected = newest.get(pk);
                if (expected == null) {
                    assertThat(shown).as("pk %d", pk).isEmpty();
                    continue;
                }
                InfluencerLatest latest = shown.orElseThrow();
                assertThat(latest.followerCount()).as("latest of %d", pk).isEqualTo(expected.followers());
                assertThat(latest.readings()).isEqualTo(expected.n());
                assertThat(latest.averageFollowerCount()).as("average of %d", pk).isEqualTo((double) expected.sum() / expected.n());
                long higher = newest.values().stream().filter(s -> s.followers() > expected.followers()).count();
                assertThat(latest.rank()).as("rank of %d", pk).isEqualTo(1 + higher);
            }
            long sum = newest.values().stream().mapToLong(State::followers).sum();
            assertThat(await(view.stats())).isEqualTo(LatestStats.of(sum, newest.size()));
        }
    }

    @Provide
    Arbitrary<List<List<State>>> deliveries() {
        Arbitrary<State> state = Arbitraries.integers().between(FIRST_PK, FIRST_PK + PKS - 1)
                .flatMap(pk -> Arbitraries.integers().between(1, STATES).map(n -> new State(pk, n)));
        return state.list().ofMinSize(1).ofMaxSize(8).list().ofMinSize(1).ofMaxSize(10).map(ArrayList::new);
    }

    private static <T> T await(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }
}
