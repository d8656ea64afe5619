package io.mockstagram.pipeline.latest;

import io.mockstagram.pipeline.ReadingBatch;
import io.mockstagram.testing.SharedRedis;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.lifecycle.BeforeTry;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Random deliveries of reading batches, with redeliveries, the same (pk, tick) in several
 * batches, ticks out of order and now and then past the window, applied to Redis and to a
 * plain model. After every delivery each pk's latest reading, average and rank, the global
 * average and the coverage of every tick equal the model's.
 */
class LatestReadingsProperties {

    private static final int FIRST_PK = 1_000_000;
    private static final int PKS = 8;
    private static final long FIRST_TICK = 29_000_000;
    /** How far behind a pk's newest tick a reading is still recognised: WINDOW in prelude.lua. */
    private static final long WINDOW = 32;
    private static final double TOLERANCE = 1e-6;

    private final SharedRedis redis = new SharedRedis();
    private LatestReadings latest;

    /** The rules, written as plainly as possible: every counted tick remembered, nothing packed. */
    static final class Model {
        record Latest(long tick, int followers, int following, long fetchedAtMs) {
        }

        final Map<Integer, Latest> latest = new HashMap<>();
        final Map<Integer, Set<Long>> countedTicks = new HashMap<>();
        final Map<Integer, Long> sums = new HashMap<>();
        final Map<Long, Set<Integer>> coverage = new HashMap<>();

        BatchOutcome apply(ReadingBatch batch) {
            int applied = 0;
            int duplicates = 0;
            int tooOld = 0;
            long tick = batch.tick();
            for (int i = 0; i < batch.size(); i++) {
                int pk = batch.pks()[i];
                Latest current = latest.get(pk);
                Set<Long> counted = countedTicks.computeIfAbsent(pk, p -> new HashSet<>());
                if (current != null && current.tick() - tick >= WINDOW) {
                    tooOld++;
                } else if (!counted.add(tick)) {
                    duplicates++;
                } else {
                    applied++;
                    sums.merge(pk, (long) batch.followers()[i], Long::sum);
                    coverage.computeIfAbsent(tick, t -> new HashSet<>()).add(pk);
                    if (current == null || tick > current.tick()) {
                        latest.put(pk, new Latest(tick, batch.followers()[i], batch.following()[i],
                                batch.fetchedAtMs()[i]));
                    }
                }
            }
            return new BatchOutcome(applied, duplicates, tooOld);
        }

        long rank(int pk) {
            int followers = latest.get(pk).followers();
            return 1 + latest.values().stream().filter(other -> other.followers() > followers).count();
        }

        double average(int pk) {
            return (double) sums.get(pk) / countedTicks.get(pk).size();
        }

        double globalAverage() {
            return latest.values().stream().mapToLong(Latest::followers).average().orElse(0);
        }
    }

    @BeforeProperty
    void connect() {
        redis.open();
    }

    @AfterProperty
    void disconnect() {
        redis.close();
    }

    @BeforeTry
    void freshNamespace() {
        latest = new LatestReadings(redis.redis().async(), redis.nextNamespace());
    }

    @AfterTry
    void forgetStore() {
        latest = null;
    }

    @Provide
    Arbitrary<List<ReadingBatch>> deliveries() {
        Arbitrary<Long> ticks = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.longs().between(0, 12)),
                Tuple.of(2, Arbitraries.longs().between(25, 40)),
                Tuple.of(1, Arbitraries.longs().between(60, 70))).map(offset -> FIRST_TICK + offset);
        // Few distinct follower counts most of the time, so that ranks tie.
        Arbitrary<Integer> followers = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(5000, 5003)),
                Tuple.of(1, Arbitraries.integers().between(5000, 50_000_000)));
        Arbitrary<Reading> reading = Combinators.combine(
                Arbitraries.integers().between(FIRST_PK, FIRST_PK + PKS - 1),
                followers,
                Arbitraries.integers().between(50, 5000),
                Arbitraries.longs().between(0, Reading.INTERVAL_MS - 1)).as(Reading::new);
        Arbitrary<ReadingBatch> batch = Combinators.combine(ticks, reading.list().ofMaxSize(6))
                .as((tick, readings) -> Reading.batch(tick, readings.stream()
                        .map(r -> new Reading(r.pk(), r.followers(), r.following(),
                                tick * Reading.INTERVAL_MS + r.fetchedAtMs()))
                        .toList()));
        // Deliveries pick from a few batches, so batches come again and in any order.
        return batch.list().ofMinSize(1).ofMaxSize(6).flatMap(pool ->
                Arbitraries.integers().between(0, pool.size() - 1).list().ofMinSize(1).ofMaxSize(20)
                        .map(order -> order.stream().map(pool::get).toList()));
    }

    @Property(tries = 200)
    void redisFollowsTheModel(@ForAll("deliveries") List<ReadingBatch> deliveries) {
        var model = new Model();
        for (ReadingBatch batch : deliveries) {
            BatchOutcome expected = model.apply(batch);
            assertThat(await(latest.apply(batch))).as("outcome of tick %d", batch.tick()).isEqualTo(expected);

            for (int pk = FIRST_PK; pk < FIRST_PK + PKS; pk++) {
                assertInfluencer(pk, model);
            }
            LatestStats stats = await(latest.stats());
            assertThat(stats.influencersTracked()).isEqualTo(model.latest.size());
            assertThat(stats.averageFollowerCount()).isCloseTo(model.globalAverage(), within(TOLERANCE));
            model.coverage.forEach((tick, pks) ->
                    assertThat(await(latest.coverage(tick))).as("coverage of tick %d", tick).isEqualTo(pks.size()));
        }
    }

    private void assertInfluencer(int pk, Model model) {
        Optional<InfluencerLatest> found = await(latest.influencer(pk));
        Model.Latest expected = model.latest.get(pk);
        if (expected == null) {
            assertThat(found).as("pk %d never read", pk).isEmpty();
            return;
        }
        assertThat(found).as("pk %d", pk).isPresent();
        InfluencerLatest actual = found.orElseThrow();
        assertThat(actual.tick()).as("tick of %d", pk).isEqualTo(expected.tick());
        assertThat(actual.followerCount()).as("followers of %d", pk).isEqualTo(expected.followers());
        assertThat(actual.followingCount()).as("following of %d", pk).isEqualTo(expected.following());
        assertThat(actual.fetchedAt()).isEqualTo(Instant.ofEpochMilli(expected.fetchedAtMs()));
        assertThat(actual.rank()).as("rank of %d", pk).isEqualTo(model.rank(pk));
        assertThat(actual.averageFollowerCount()).as("average of %d", pk)
                .isCloseTo(model.average(pk), within(TOLERANCE));
    }

    private static <T> T await(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }
}
