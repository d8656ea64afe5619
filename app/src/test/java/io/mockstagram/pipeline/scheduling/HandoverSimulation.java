package io.mockstagram.pipeline.scheduling;

import io.mockstagram.membership.Assignment;
import io.mockstagram.membership.MemberState;
import io.mockstagram.membership.partition.Partitioner;
import io.mockstagram.membership.store.MembershipChange;
import io.mockstagram.membership.store.MembershipChange.Kind;
import io.mockstagram.membership.store.MembershipChange.Move;
import io.mockstagram.pipeline.PkRange;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Producers' schedulers run against a model of the membership map and its changelog, in
 * steps of the scheduler's loop, with each producer hearing of each change a little late.
 * It counts how often each pk of each tick was scheduled, by anybody.
 */
final class HandoverSimulation {

    static final long STEP_MS = 50;
    static final String GENERATION = "g1";

    /** Something that happens to the membership at {@code atMs}. */
    sealed interface Event {
        long atMs();
    }

    record Join(long atMs, String name) implements Event {
    }

    /** A graceful stop: the producer's scheduler stops at {@code atMs}, and it leaves just after. */
    record Stop(long atMs, String name) implements Event {
    }

    /** A kill -9 at {@code atMs}; it last renewed {@code renewedBeforeMs} earlier and is evicted once its lease runs out. */
    record Crash(long atMs, String name, long renewedBeforeMs, long leaseMs) implements Event {
    }

    /** A departure's window of possibly missing work: pks due in it may be scheduled twice. */
    record Window(long fromMs, long untilMs) {
    }

    private final class Producer {
        final String name;
        final List<long[]> heard = new ArrayList<>(); // {hearAtMs, epoch}
        long crashedAtMs = Long.MAX_VALUE;
        long stoppedAtMs = Long.MAX_VALUE;
        Planner planner;
        Handover.FollowedAt followedAt;
        Assignment planned;
        Assignment known;

        Producer(String name) {
            this.name = name;
        }
    }

    private final DueOrder order;
    private final PkRange range;
    private final Partitioner partitioner;
    private final long intervalMs;
    private final Map<String, Producer> producers = new LinkedHashMap<>();
    /** Redis's map: name to number. */
    private final Map<String, Integer> map = new LinkedHashMap<>();
    private final List<MembershipChange> changelog = new ArrayList<>();
    /** Per epoch, each member's assignment right after it. */
    private final Map<Long, Map<String, Assignment>> assignmentsAt = new HashMap<>();
    private final Map<Long, int[]> scheduled = new HashMap<>();
    private final List<Window> windows = new ArrayList<>();
    private final List<String> unexplained = new ArrayList<>();
    private long epoch;
    private long nowMs;

    HandoverSimulation(PkRange range, long intervalMs, Partitioner partitioner) {
        this.range = range;
        this.intervalMs = intervalMs;
        this.partitioner = partitioner;
        this.order = DueOrder.of(range, java.time.Duration.ofMillis(intervalMs));
    }

    /** Runs {@code events} (in time order) from {@code fromMs} to {@code untilMs}; a producer hears of a change {@code hearingDelay} later. */
    void run(List<Event> events, long fromMs, long untilMs, HearingDelay hearingDelay) {
        int next = 0;
        List<long[]> pendingEvictions = new ArrayList<>(); // {evictAtMs, producer index}, names in evictees
        List<String> evictees = new ArrayList<>();
        List<Long> evictionSince = new ArrayList<>();
        for (nowMs = fromMs; nowMs <= untilMs; nowMs += STEP_MS) {
            while (next < events.size() && events.get(next).atMs() <= nowMs) {
                Event event = events.get(next++);
                if (event instanceof Join join) {
                    producers.put(join.name(), new Producer(join.name()));
                    record(join.atMs(), Kind.JOINED, join.name(), 0, hearingDelay);
                } else if (event instanceof Stop stop) {
                    // The scheduler publishes what it holds and says up to when it worked.
                    Producer producer = producers.get(stop.name());
                    step(producer, stop.atMs());
                    long since = producer.planner == null ? 0 : producer.planner.cursorMs();
                    producer.stoppedAtMs = stop.atMs();
                    record(stop.atMs() + 5, Kind.LEFT, stop.name(), since, hearingDelay);
                } else if (event instanceof Crash crash) {
                    producers.get(crash.name()).crashedAtMs = crash.atMs();
                    long renewed = crash.atMs() - crash.renewedBeforeMs();
                    pendingEvictions.add(new long[] {renewed + crash.leaseMs() + 30});
                    evictees.add(crash.name());
                    evictionSince.add(renewed);
                }
            }
            for (int i = 0; i < pendingEvictions.size(); i++) {
                if (pendingEvictions.get(i)[0] <= nowMs) {
                    record(pendingEvictions.get(i)[0], Kind.EVICTED, evictees.get(i), evictionSince.get(i), hearingDelay);
                    pendingEvictions.remove(i);
                    evictees.remove(i);
                    evictionSince.remove(i);
                    i--;
                }
            }
            for (Producer producer : producers.values()) {
                step(producer, nowMs);
            }
        }
    }

    @FunctionalInterface
    interface HearingDelay {
        long ms(String producer, long epoch);
    }

    private void step(Producer producer, long nowMs) {
        if (nowMs >= producer.crashedAtMs || nowMs >= producer.stoppedAtMs) {
            return;
        }
        for (long[] heard : producer.heard) {
            if (heard[0] <= nowMs) {
                Assignment after = assignmentsAt.get(heard[1]).get(producer.name);
                if (after != null && (producer.known == null || after.epoch() > producer.known.epoch())) {
                    producer.known = after;
                }
            }
        }
        Assignment target = producer.known;
        if (target == null || !target.isActive()) {
            return;
        }
        if (producer.planned == null || producer.planned.epoch() != target.epoch()) {
            List<MembershipChange> readable = changelog.stream().filter(c -> c.atMs() <= nowMs).toList();
            long tickStart = Math.floorDiv(nowMs, intervalMs) * intervalMs;
            Handover handover = Handover.follow(producer.name, producer.followedAt, target, readable, tickStart);
            producer.planner = handover.applyTo(producer.planner, order, partitioner, target, this::schedule, this::schedule);
            if (handover instanceof Handover.Unexplained u) {
                unexplained.add(producer.name + " at epoch " + target.epoch() + ": " + u.why());
            }
            producer.followedAt = new Handover.FollowedAt(target.epoch(), GENERATION, target.serverNumber());
            producer.planned = target;
        }
        // A producer that is about to crash never published what it held back for a batch.
        long through = Math.min(nowMs, producer.crashedAtMs - TaskScheduler.HOLD.toMillis() - 1);
        producer.planner.advance(Math.min(through, producer.stoppedAtMs), this::schedule);
    }

    private void schedule(long tick, int pk, long dueMs) {
        scheduled.computeIfAbsent(tick, ignored -> new int[range.count()])[pk - range.first()]++;
    }

    private void record(long atMs, Kind kind, String name, long sinceMs, HearingDelay hearingDelay) {
        Optional<Move> move = Optional.empty();
        int number;
        if (kind == Kind.JOINED) {
            number = map.size() + 1;
            map.put(name, number);
        } else {
            number = map.remove(name);
            int highest = map.size() + 1;
            if (number < highest) {
                String mover = map.entrySet().stream().filter(e -> e.getValue() == highest).findFirst().orElseThrow().getKey();
                map.put(mover, number);
                move = Optional.of(new Move(mover, highest, number));
            }
            long from = kind == Kind.LEFT ? sinceMs : sinceMs - Handover.MISSED_MARGIN.toMillis();
            windows.add(new Window(from, atMs + Handover.DELAY.toMillis()));
        }
        epoch++;
        changelog.add(new MembershipChange("0-" + epoch, epoch, kind, name, number, map.size(), move, GENERATION, atMs,
                sinceMs));
        Map<String, Assignment> after = new HashMap<>();
        map.forEach((member, n) -> after.put(member, new Assignment(member, MemberState.ACTIVE, n, map.size(), epoch)));
        assignmentsAt.put(epoch, after);
        for (Producer producer : producers.values()) {
            // The joiner hears at once, from its join's reply; the others a little later.
            long delay = producer.name.equals(name) ? 1 : hearingDelay.ms(producer.name, epoch);
            producer.heard.add(new long[] {atMs + delay, epoch});
        }
    }

    /** How often each pk of {@code tick} was scheduled, indexed from the range's first pk. */
    int[] scheduledIn(long tick) {
        return scheduled.getOrDefault(tick, new int[range.count()]);
    }

    long dueMs(long tick, int pk) {
        return tick * intervalMs + DueOrder.offsetMs(pk, DueOrder.spreadMs(intervalMs));
    }

    List<Window> windows() {
        return windows;
    }

    List<String> unexplained() {
        return unexplained;
    }

    PkRange range() {
        return range;
    }
}
