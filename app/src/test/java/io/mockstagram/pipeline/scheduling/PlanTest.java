package io.mockstagram.pipeline.scheduling;

import io.mockstagram.membership.Assignment;
import io.mockstagram.membership.MemberState;
import io.mockstagram.membership.partition.ModuloPartitioner;
import io.mockstagram.pipeline.PkRange;
import io.mockstagram.pipeline.Tick;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.BitSet;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class PlanTest {

    private static final PkRange RANGE = PkRange.of(1000);
    private static final Tick TICK = new Tick(1000, Duration.ofSeconds(60));

    private static Assignment member(int number, int total) {
        return new Assignment("p" + number, MemberState.ACTIVE, number, total, 7);
    }

    @Test
    void aShareIsExactlyThePksTheRuleGivesThisMember() {
        Plan plan = Plan.create(TICK, member(2, 4), new ModuloPartitioner(), RANGE, 100, new BitSet(), TICK.start());

        assertThat(plan.pks()).isEqualTo(250);
        assertThat(plan.size()).isEqualTo(3);
        assertThat(Arrays.stream(plan.nextBatch()).boxed().toList()).allMatch(pk -> pk % 4 == 1);
    }

    @Test
    void batchesAreSpreadOverTheFirstPartOfTheInterval() {
        Plan plan = Plan.create(TICK, member(1, 1), new ModuloPartitioner(), RANGE, 100, new BitSet(), TICK.start());
        Instant spreadEnd = TICK.start().plusMillis((long) (TICK.interval().toMillis() * Plan.SPREAD));

        assertThat(plan.dueAtMs(0)).isEqualTo(TICK.start().toEpochMilli());
        assertThat(IntStream.range(0, plan.size()).mapToLong(plan::dueAtMs))
                .isSorted().allMatch(due -> due < spreadEnd.toEpochMilli());
        assertThat(plan.hasDue(TICK.start())).isTrue();
    }

    @Test
    void aReplanSkipsWhatThisProducerAlreadyScheduledInTheTick() {
        BitSet scheduled = new BitSet();
        IntStream.range(0, 500).forEach(scheduled::set);

        Plan plan = Plan.create(TICK, member(1, 2), new ModuloPartitioner(), RANGE, 100, scheduled, TICK.start());

        assertThat(plan.pks()).isEqualTo(250);
        assertThat(Arrays.stream(plan.nextBatch()).boxed().toList()).allMatch(pk -> pk >= RANGE.first() + 500);
    }

    @Test
    void aPlanMadeLateStillPublishesEverythingBeforeTheIntervalEnds() {
        Instant late = TICK.end().minusSeconds(1);

        Plan plan = Plan.create(TICK, member(1, 1), new ModuloPartitioner(), RANGE, 100, new BitSet(), late);

        assertThat(plan.hasDue(late)).isTrue();
        assertThat(plan.dueAtMs(plan.size() - 1)).isEqualTo(late.toEpochMilli());
    }
}
