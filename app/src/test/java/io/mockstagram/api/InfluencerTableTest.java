package io.mockstagram.api;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.DoubleSupplier;
import java.util.stream.LongStream;

import static io.mockstagram.api.InfluencerTable.FIRST_PK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InfluencerTableTest {

    private static final DoubleSupplier ONE_SIGMA_UP = () -> 1.0;

    @Test
    void theSameSeedGivesTheSameStartingCounts() {
        var first = InfluencerTable.seeded(10_000, 42, ONE_SIGMA_UP);
        var second = InfluencerTable.seeded(10_000, 42, ONE_SIGMA_UP);

        assertThat(LongStream.range(FIRST_PK, FIRST_PK + 10_000).mapToObj(first::peek).toList())
                .isEqualTo(LongStream.range(FIRST_PK, FIRST_PK + 10_000).mapToObj(second::peek).toList());
    }

    @Test
    void differentSeedsGiveDifferentStartingCounts() {
        var first = InfluencerTable.seeded(1000, 1, ONE_SIGMA_UP);
        var second = InfluencerTable.seeded(1000, 2, ONE_SIGMA_UP);

        assertThat(LongStream.range(FIRST_PK, FIRST_PK + 1000).filter(pk -> !first.peek(pk).equals(second.peek(pk))))
                .hasSizeGreaterThan(900);
    }

    @Test
    void startingCountsSpreadAroundAHundredThousandFollowersAndAThousandFollowing() {
        int size = 100_000;
        var table = InfluencerTable.seeded(size, 7, ONE_SIGMA_UP);
        List<Counts> all = LongStream.range(FIRST_PK, FIRST_PK + size).mapToObj(table::peek).toList();

        // The floors lift the mean: about 9% above the unfloored 100000 and 1000.
        assertThat(all.stream().mapToInt(Counts::followers).average().orElseThrow()).isBetween(105_000.0, 113_000.0);
        assertThat(all.stream().mapToInt(Counts::following).average().orElseThrow()).isBetween(1050.0, 1130.0);
        assertThat(all.stream().mapToInt(Counts::followers).min().orElseThrow()).isEqualTo(RandomWalk.FOLLOWER_FLOOR);
        assertThat(all.stream().mapToInt(Counts::following).min().orElseThrow()).isEqualTo(RandomWalk.FOLLOWING_FLOOR);
        Set<Integer> distinct = new HashSet<>();
        all.forEach(counts -> distinct.add(counts.followers()));
        assertThat(distinct).hasSizeGreaterThan(size / 2);
    }

    @Test
    void aReadMovesTheCountsOneStepAndReturnsThemAfterTheStep() {
        var table = InfluencerTable.seeded(10, 3, ONE_SIGMA_UP);
        Counts before = table.peek(FIRST_PK + 4);

        Counts read = table.read(FIRST_PK + 4);

        assertThat(read).isEqualTo(new Counts(before.followers() + 10_000, before.following() + 100));
        assertThat(table.peek(FIRST_PK + 4)).isEqualTo(read);
    }

    @Test
    void concurrentReadsOfOneInfluencerAreNeverLost() throws Exception {
        var table = InfluencerTable.seeded(1, 5, ONE_SIGMA_UP);
        Counts before = table.peek(FIRST_PK);
        int threads = 4;
        int readsEach = 20_000;

        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<CompletableFuture<Void>> readers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                readers.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < readsEach; i++) {
                        table.read(FIRST_PK);
                    }
                }, pool));
            }
            CompletableFuture.allOf(readers.toArray(CompletableFuture[]::new)).get();
        } finally {
            pool.shutdownNow();
        }

        long reads = (long) threads * readsEach;
        assertThat(table.peek(FIRST_PK))
                .isEqualTo(new Counts((int) (before.followers() + reads * 10_000), (int) (before.following() + reads * 100)));
    }

    @Test
    void itHoldsExactlyTheConfiguredRangeOfPks() {
        var table = InfluencerTable.seeded(1000, 9, ONE_SIGMA_UP);

        assertThat(table.contains(FIRST_PK)).isTrue();
        assertThat(table.contains(FIRST_PK + 999)).isTrue();
        assertThat(table.lastPk()).isEqualTo(FIRST_PK + 999);
        assertThat(table.contains(FIRST_PK - 1)).isFalse();
        assertThat(table.contains(FIRST_PK + 1000)).isFalse();
        assertThat(table.contains(-1)).isFalse();
        assertThatThrownBy(() -> table.read(FIRST_PK + 1000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1000000..1000999");
    }
}
