package io.mockstagram.pipeline.scheduling;

import io.mockstagram.membership.Assignment;
import io.mockstagram.membership.MemberState;
import io.mockstagram.membership.partition.JumpPartitioner;
import io.mockstagram.membership.partition.ModuloPartitioner;
import io.mockstagram.membership.partition.Partitioner;
import io.mockstagram.membership.store.MembershipChange;
import io.mockstagram.membership.store.MembershipChange.Kind;
import io.mockstagram.pipeline.PkRange;
import io.mockstagram.pipeline.scheduling.HandoverSimulation.Crash;
import io.mockstagram.pipeline.scheduling.HandoverSimulation.Event;
import io.mockstagram.pipeline.scheduling.HandoverSimulation.Join;
import io.mockstagram.pipeline.scheduling.HandoverSimulation.Stop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Four producers, then one change in the middle of an interval: what each handover
 * schedules, counted over the whole interval.
 */
class HandoverTest {

    private static final long INTERVAL_MS = 10_000;
    private static final long TICK = 1_000;
    private static final long TICK_START = TICK * INTERVAL_MS;
    private static final PkRange RANGE = PkRange.of(20_000);
    private static final long CHANGE_AT = TICK_START + 4_000;

    @ParameterizedTest
    @ValueSource(strings = {"modulo", "jump"})
    void aJoinMovesWorkWithoutFetchingAnythingTwice(String partitioner) {
        int[] counts = afterFourProducers(partitioner, new Join(CHANGE_AT, "p5"));

        assertThat(IntStream.of(counts).filter(n -> n == 0).count()).as("pks unscheduled").isZero();
        assertThat(IntStream.of(counts).filter(n -> n > 1).count()).as("pks scheduled twice").isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"modulo", "jump"})
    void aGracefulStopHandsOverFromWhereTheStoppingProducerLeftOff(String partitioner) {
        int[] counts = afterFourProducers(partitioner, new Stop(CHANGE_AT, "p2"));

        assertThat(IntStream.of(counts).filter(n -> n == 0).count()).as("pks unscheduled").isZero();
        assertThat(IntStream.of(counts).filter(n -> n > 1).count()).as("pks scheduled twice").isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"modulo", "jump"})
    void aCrashCostsOnlyTheCrashedProducersWorkSinceItsLastRenewal(String partitioner) {
        long renewedBefore = 200;
        long lease = 3_000;
        int[] counts = afterFourProducers(partitioner, new Crash(CHANGE_AT, "p3", renewedBefore, lease));

        assertThat(IntStream.of(counts).filter(n -> n == 0).count()).as("pks unscheduled").isZero();
        // Redone: the crashed producer's quarter, due from its last renewal (less the margin)
        // until it stopped publishing; everything after that it never did.
        long redoneMs = renewedBefore + Handover.MISSED_MARGIN.toMillis() - TaskScheduler.HOLD.toMillis();
        double expected = RANGE.count() / 4.0 * redoneMs / (INTERVAL_MS * DueOrder.SPREAD);
        long twice = IntStream.of(counts).filter(n -> n > 1).count();
        assertThat(twice).as("pks scheduled twice").isBetween(1L, (long) (expected * 2));
        assertThat(IntStream.of(counts).max().orElseThrow()).isEqualTo(2);
    }

    @Test
    void withoutItsJoinInTheChangelogAProducerRedoesItsShareFromTheIntervalsStart() {
        Assignment kept = new Assignment("p1", MemberState.ACTIVE, 1, 2, 9);

        Handover handover = Handover.follow("p1", null, kept, List.of(), TICK_START);

        assertThat(handover).isEqualTo(new Handover.Unexplained(TICK_START, "no join of this producer in the changelog"));
    }

    @Test
    void theFirstProducerOfAnEmptyMapTakesTheIntervalFromItsStart() {
        List<MembershipChange> changes = List.of(change(1, Kind.JOINED, "p1", 1, 1, 0));
        Assignment first = new Assignment("p1", MemberState.ACTIVE, 1, 1, 1);

        Handover handover = Handover.follow("p1", null, first, changes, TICK_START);

        assertThat(handover).isInstanceOfSatisfying(Handover.Followed.class,
                followed -> assertThat(followed.shares()).containsExactly(new Share(TICK_START, 1, 1)));
    }

    @Test
    void aGapInTheChangelogIsRedoneWhole() {
        List<MembershipChange> changes = List.of(change(5, Kind.JOINED, "p1", 1, 1, 0), change(7, Kind.JOINED, "p2", 2, 2, 0));
        Assignment now = new Assignment("p1", MemberState.ACTIVE, 1, 2, 7);

        Handover handover = Handover.follow("p1", new Handover.FollowedAt(5, "g1", 1), now, changes, TICK_START);

        assertThat(handover).isInstanceOf(Handover.Unexplained.class);
    }

    @Test
    void departuresWhoseMissingWorkOverlapsAreRedoneFromTheEarliestOfThem() {
        long since = CHANGE_AT - 3_000;
        List<MembershipChange> changes = List.of(
                change(3, Kind.JOINED, "p1", 1, 1, 0), change(4, Kind.JOINED, "p2", 2, 2, 0),
                change(5, Kind.JOINED, "p3", 3, 3, 0),
                change(6, Kind.EVICTED, "p3", 3, 2, since), change(7, Kind.EVICTED, "p2", 2, 1, since + 100));
        Assignment now = new Assignment("p1", MemberState.ACTIVE, 1, 1, 7);

        Handover handover = Handover.follow("p1", new Handover.FollowedAt(5, "g1", 1), now, changes, TICK_START);

        assertThat(handover).isEqualTo(new Handover.Unexplained(
                Math.min(TICK_START, since - Handover.MISSED_MARGIN.toMillis()), "departures whose undone work overlaps"));
    }

    private static MembershipChange change(long epoch, Kind kind, String name, int number, int total, long since) {
        return new MembershipChange("0-" + epoch, epoch, kind, name, number, total, Optional.empty(), "g1", CHANGE_AT,
                since);
    }

    /** How often each pk of the interval was scheduled, four producers having run since before it. */
    private static int[] afterFourProducers(String partitionerName, Event change) {
        Partitioner partitioner = partitionerName.equals("jump") ? new JumpPartitioner() : new ModuloPartitioner();
        var simulation = new HandoverSimulation(RANGE, INTERVAL_MS, partitioner);
        List<Event> events = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            events.add(new Join(TICK_START - 5_000 + i * 100L, "p" + i));
        }
        events.add(change);
        simulation.run(events, TICK_START - 5_000, TICK_START + INTERVAL_MS + 5_000, (producer, epoch) -> 20);
        assertThat(simulation.unexplained()).isEmpty();
        return simulation.scheduledIn(TICK);
    }
}
