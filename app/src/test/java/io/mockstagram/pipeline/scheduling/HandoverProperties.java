package io.mockstagram.pipeline.scheduling;

import io.mockstagram.membership.partition.JumpPartitioner;
import io.mockstagram.membership.partition.ModuloPartitioner;
import io.mockstagram.membership.partition.Partitioner;
import io.mockstagram.pipeline.PkRange;
import io.mockstagram.pipeline.scheduling.HandoverSimulation.Crash;
import io.mockstagram.pipeline.scheduling.HandoverSimulation.Event;
import io.mockstagram.pipeline.scheduling.HandoverSimulation.Join;
import io.mockstagram.pipeline.scheduling.HandoverSimulation.Stop;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random membership histories within one interval: joins, graceful stops and crashes at
 * random moments, every producer hearing of every change up to 250 ms late. Whatever
 * happens, every pk of the interval is scheduled, and a pk is scheduled twice only when it
 * fell due while a departed member's work may have been missing.
 */
class HandoverProperties {

    private static final long INTERVAL_MS = 10_000;
    private static final long TICK = 1_000;
    private static final long TICK_START = TICK * INTERVAL_MS;
    private static final PkRange RANGE = PkRange.of(3000);

    /** A membership history: how many producers run before the interval, and what happens in it. */
    record History(int initial, List<Event> events, long seed, boolean jump) {
    }

    @Property(tries = 200)
    void everyPkIsScheduledAndOnlyMissedWorkTwice(@ForAll("histories") History history) {
        Partitioner partitioner = history.jump() ? new JumpPartitioner() : new ModuloPartitioner();
        var simulation = new HandoverSimulation(RANGE, INTERVAL_MS, partitioner);
        List<Event> events = new ArrayList<>();
        for (int i = 1; i <= history.initial(); i++) {
            events.add(new Join(TICK_START - 6_000 + i * 100L, "p" + i));
        }
        events.addAll(history.events());
        Random random = new Random(history.seed());
        simulation.run(events, TICK_START - 6_000, TICK_START + INTERVAL_MS + 2_000,
                (producer, epoch) -> 1 + random.nextInt(250));

        assertThat(simulation.unexplained()).as("every change explained by the changelog").isEmpty();
        int[] counts = simulation.scheduledIn(TICK);
        List<String> missing = new ArrayList<>();
        List<String> doubledOutsideAWindow = new ArrayList<>();
        for (int i = 0; i < counts.length; i++) {
            int pk = RANGE.first() + i;
            long due = simulation.dueMs(TICK, pk);
            if (counts[i] == 0) {
                missing.add(pk + " due at +" + (due - TICK_START) + " ms");
            } else if (counts[i] > 1 && (counts[i] > 2 || simulation.windows().stream()
                    .noneMatch(window -> due >= window.fromMs() && due < window.untilMs()))) {
                doubledOutsideAWindow.add(pk + " x" + counts[i] + " due at +" + (due - TICK_START) + " ms");
            }
        }
        assertThat(missing).as("pks never scheduled").isEmpty();
        assertThat(doubledOutsideAWindow).as("pks scheduled twice outside a departure's missing window").isEmpty();
    }

    @Provide
    Arbitrary<History> histories() {
        return Combinators.combine(Arbitraries.integers().between(1, 4), Arbitraries.longs(),
                        Arbitraries.integers().between(1, 4), Arbitraries.of(true, false), Arbitraries.longs())
                .as((initial, eventSeed, count, jump, seed) -> new History(initial, events(initial, count, eventSeed), seed, jump));
    }

    /**
     * {@code count} changes at random moments of the interval's spread window. Departures
     * keep at least one producer running, and are far enough apart that their missing
     * windows do not overlap (overlapping ones are redone whole, by design).
     */
    private static List<Event> events(int initial, int count, long seed) {
        Random random = new Random(seed);
        List<String> running = new ArrayList<>();
        for (int i = 1; i <= initial; i++) {
            running.add("p" + i);
        }
        List<Event> events = new ArrayList<>();
        long at = TICK_START + random.nextInt(1_500);
        int joined = initial;
        for (int i = 0; i < count && at < TICK_START + 7_500; i++) {
            int kind = running.size() < 2 ? 0 : random.nextInt(3);
            if (kind == 0) {
                String name = "p" + ++joined;
                running.add(name);
                events.add(new Join(at, name));
                at += 200 + random.nextInt(1_500);
            } else {
                String name = running.remove(random.nextInt(running.size()));
                if (kind == 1) {
                    events.add(new Stop(at, name));
                    at += 1_200 + random.nextInt(1_000);
                } else {
                    long lease = 1_000 + random.nextInt(2_000);
                    events.add(new Crash(at, name, random.nextInt(250), lease));
                    at += lease + 1_200 + random.nextInt(1_000);
                }
            }
        }
        return events;
    }
}
