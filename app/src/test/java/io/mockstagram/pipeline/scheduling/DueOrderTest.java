package io.mockstagram.pipeline.scheduling;

import io.mockstagram.pipeline.PkRange;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class DueOrderTest {

    private static final PkRange RANGE = PkRange.of(10_000);
    private static final Duration INTERVAL = Duration.ofSeconds(60);
    private final DueOrder order = DueOrder.of(RANGE, INTERVAL);

    @Test
    void everyPkFallsDueOnceAnIntervalWithinTheSpreadWindow() {
        Set<Integer> seen = new HashSet<>();
        List<Long> dues = new ArrayList<>();
        long tick = 500;
        order.forEachDue(tick * 60_000, (tick + 1) * 60_000, (t, pk, due) -> {
            assertThat(t).isEqualTo(tick);
            assertThat(seen.add(pk)).as("pk %d once", pk).isTrue();
            dues.add(due);
        });

        assertThat(seen).hasSize(RANGE.count());
        assertThat(dues).isSorted().allMatch(due -> due >= tick * 60_000 && due < tick * 60_000 + 48_000);
    }

    @Test
    void aPkFallsDueAtTheSameOffsetInEveryIntervalWhoeverAsks() {
        long spread = DueOrder.spreadMs(INTERVAL.toMillis());
        List<Long> offsets = new ArrayList<>();
        for (long tick = 7; tick < 10; tick++) {
            long start = tick * 60_000;
            order.forEachDue(start, start + 60_000, (t, pk, due) -> {
                if (pk == 1_004_242) {
                    offsets.add(due - start);
                }
            });
        }

        assertThat(offsets).containsExactly(DueOrder.offsetMs(1_004_242, spread), DueOrder.offsetMs(1_004_242, spread),
                DueOrder.offsetMs(1_004_242, spread));
    }

    @Test
    void neighbouringPksFallDueApartSoEachSecondCarriesItsShare() {
        int[] perSecond = new int[48];
        order.forEachDue(0, 60_000, (t, pk, due) -> perSecond[(int) (due / 1000)]++);

        // 10,000 pks over 48 s: about 208 a second.
        assertThat(java.util.stream.IntStream.of(perSecond).boxed().toList()).allMatch(n -> n > 150 && n < 270);
    }

    @Test
    void aWindowAcrossTwoIntervalsVisitsTheEndOfOneAndTheStartOfTheNext() {
        List<Long> ticks = new ArrayList<>();
        order.forEachDue(60_000 + 47_000, 120_000 + 1_000, (t, pk, due) -> ticks.add(t));

        assertThat(ticks).contains(1L, 2L).isSorted();
    }
}
