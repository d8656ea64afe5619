package io.mockstagram.pipeline.scheduling;

import io.mockstagram.membership.Assignment;
import io.mockstagram.membership.partition.Partitioner;
import io.mockstagram.membership.store.MembershipChange;
import io.mockstagram.pipeline.scheduling.DueOrder.DueVisitor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What this producer makes of a run of membership changes, read from the changelog: the
 * shares it serves from when, and which departed members' work it redoes.
 *
 * <p>Every change takes effect {@link #DELAY} after Redis made it, by due time, for every
 * producer alike: the old owner of a pk schedules it while it falls due before then, the new
 * owner from then on, whoever hears of the change first. A departure leaves undone the work
 * that fell due from the departed member's announced stop, or its last renewal, until the
 * change takes effect; the survivors that own those pks next redo them, and nothing else.
 *
 * <p>When the changelog cannot explain the move to the member's current assignment (entries
 * trimmed or lost with a Redis that forgot them, another generation, a number kept across a
 * restart, several departures at once) nobody can say what is missing: the producer then
 * schedules its whole share from the start of the interval, less what it scheduled itself.
 */
sealed interface Handover {

    /**
     * Long enough for every producer to hear of a change (a notice arrives in about a
     * millisecond) before it takes effect, short enough to keep a departure's catch-up small.
     */
    Duration DELAY = Duration.ofMillis(300);

    /**
     * How much earlier than its last renewal a crashed member may have stopped scheduling:
     * it holds pks back for up to {@link TaskScheduler#HOLD} to fill a batch, and its loop may
     * run late.
     */
    Duration MISSED_MARGIN = Duration.ofMillis(500);

    /**
     * Applies this handover to {@code planner} (null before the first), scheduling through
     * {@code schedule} what is owed already and through {@code redo} the departed's work;
     * returns the planner to go on with.
     */
    Planner applyTo(Planner planner, DueOrder order, Partitioner partitioner, Assignment target, DueVisitor schedule,
                    DueVisitor redo);

    /** The changes explain the assignment: serve {@code shares} and redo {@code catchUps}, in this order. */
    record Followed(List<Share> shares, List<CatchUp> catchUps, String generation) implements Handover {

        @Override
        public Planner applyTo(Planner planner, DueOrder order, Partitioner partitioner, Assignment target,
                               DueVisitor schedule, DueVisitor redo) {
            Planner result = planner;
            for (Share share : shares) {
                if (result == null) {
                    result = new Planner(order, partitioner, share);
                } else {
                    result.serve(share, schedule);
                }
            }
            for (CatchUp catchUp : catchUps) {
                result.catchUp(catchUp, redo);
            }
            return result;
        }
    }

    /** They do not: schedule the whole share from {@code redoFromMs} on, less what this producer scheduled. */
    record Unexplained(long redoFromMs, String why) implements Handover {

        @Override
        public Planner applyTo(Planner planner, DueOrder order, Partitioner partitioner, Assignment target,
                               DueVisitor schedule, DueVisitor redo) {
            Share share = new Share(redoFromMs, target.serverNumber(), target.total());
            if (planner == null) {
                return new Planner(order, partitioner, share);
            }
            planner.serve(share, schedule);
            return planner;
        }
    }

    /** Where the last handover left this producer: the epoch, its generation, and this producer's number then. */
    record FollowedAt(long epoch, String generation, int number) {
    }

    /**
     * @param self      this producer's name
     * @param last      the epoch and generation followed so far; null before the first
     * @param target    the assignment to reach
     * @param changes   the newest changelog entries, oldest first
     * @param tickStart the start of the current interval, where an unexplained handover redoes from
     */
    static Handover follow(String self, FollowedAt last, Assignment target, List<MembershipChange> changes,
                           long tickStartMs) {
        List<MembershipChange> run = new ArrayList<>();
        int number;
        int total;
        long sinceEpoch;
        List<Share> shares = new ArrayList<>();
        String generation;
        int first;
        if (last == null) {
            first = -1;
            for (int i = changes.size() - 1; i >= 0; i--) {
                MembershipChange change = changes.get(i);
                if (change.epoch() <= target.epoch() && change.kind() == MembershipChange.Kind.JOINED
                        && change.name().equals(self)) {
                    first = i;
                    break;
                }
            }
            if (first < 0) {
                return new Unexplained(tickStartMs, "no join of this producer in the changelog");
            }
            MembershipChange joined = changes.get(first);
            if (joined.atMs() == 0) {
                return new Unexplained(tickStartMs, "a change without its time");
            }
            number = joined.number();
            total = joined.total();
            generation = joined.generation();
            sinceEpoch = joined.epoch();
            shares.add(new Share(joinedFrom(joined, tickStartMs), number, total));
            first++;
        } else {
            number = last.number();
            total = -1;
            generation = last.generation();
            sinceEpoch = last.epoch();
            first = 0;
        }
        for (int i = first; i < changes.size(); i++) {
            MembershipChange change = changes.get(i);
            if (change.epoch() > sinceEpoch && change.epoch() <= target.epoch()) {
                run.add(change);
            }
        }
        if (generation.isEmpty() && !run.isEmpty()) {
            // The epoch reached last was not in the changelog: take the generation its successors name.
            generation = run.get(0).generation();
        }
        long expected = sinceEpoch + 1;
        for (MembershipChange change : run) {
            if (change.epoch() != expected++) {
                return new Unexplained(tickStartMs, "the changelog misses epoch " + (expected - 1));
            }
            if (!change.generation().equals(generation)) {
                return new Unexplained(tickStartMs, "a change of another generation");
            }
            if (change.atMs() == 0) {
                return new Unexplained(tickStartMs, "a change without its time");
            }
        }
        if (expected - 1 != target.epoch()) {
            return new Unexplained(tickStartMs, "the changelog does not reach epoch " + target.epoch());
        }

        List<CatchUp> catchUps = new ArrayList<>();
        for (MembershipChange change : run) {
            long effective = effectiveAt(change);
            boolean mine = change.name().equals(self);
            if (mine && change.kind() == MembershipChange.Kind.JOINED) {
                number = change.number();
                effective = joinedFrom(change, tickStartMs);
            } else if (mine && change.isDeparture()) {
                // The survivors redo this member's work from its last sign of life on.
                number = 0;
                effective = change.missedSinceMs() > 0 ? missedFrom(change) : effective;
            } else if (change.move().filter(move -> move.name().equals(self)).isPresent()) {
                number = change.move().get().to();
            }
            total = change.total();
            shares.add(number == 0 ? Share.none(effective) : new Share(effective, number, total));
            if (change.isDeparture() && !mine) {
                if (change.missedSinceMs() <= 0) {
                    return new Unexplained(Math.min(tickStartMs, change.atMs()),
                            "a departure that does not say since when its work is missing");
                }
                long from = missedFrom(change);
                long overlapping = earliestOverlap(change, from, effective, changes);
                if (overlapping < Long.MAX_VALUE) {
                    // The other member may have been given some of this one's work, or this
                    // one some of the other's, and be gone before doing it: redoing by the
                    // numbers alone could leave work to a member that is gone.
                    return new Unexplained(Math.min(tickStartMs, Math.min(from, overlapping)),
                            "departures whose undone work overlaps");
                }
                catchUps.add(new CatchUp(from, effective, departedShares(change, from, changes), number, total));
            }
        }
        if (number != target.serverNumber() || total != target.total()) {
            return new Unexplained(tickStartMs, "the changelog gives number " + number + " of " + total
                    + ", the member holds " + target.serverNumber() + " of " + target.total());
        }
        if (last == null) {
            // A producer's first plan starts no earlier than the current interval: an interval
            // already over (while it waited for a young map to settle, say) is left alone, its
            // readings too late to be of use. Every producer of a new map starts so.
            shares.replaceAll(share -> share.fromMs() >= tickStartMs ? share
                    : new Share(tickStartMs, share.number(), share.total()));
            catchUps.replaceAll(catchUp -> catchUp.fromMs() >= tickStartMs ? catchUp
                    : new CatchUp(tickStartMs, Math.max(tickStartMs, catchUp.untilMs()), catchUp.departed(),
                    catchUp.number(), catchUp.total()));
        }
        return new Followed(shares, catchUps, generation);
    }

    /**
     * The earliest start of another departure's missing work (in the changelog read, of the
     * same generation) that overlaps [{@code from}, {@code until}); MAX_VALUE when none does.
     * Every producer reads the same entries, so every one of them decides alike.
     */
    private static long earliestOverlap(MembershipChange departure, long from, long until,
                                        List<MembershipChange> changes) {
        long earliest = Long.MAX_VALUE;
        for (MembershipChange other : changes) {
            if (other.epoch() == departure.epoch() || !other.isDeparture()
                    || !other.generation().equals(departure.generation())) {
                continue;
            }
            long otherFrom = other.missedSinceMs() > 0 ? missedFrom(other) : other.atMs() - MISSED_MARGIN.toMillis();
            long otherUntil = other.atMs() + DELAY.toMillis();
            if (otherFrom < until && from < otherUntil) {
                earliest = Math.min(earliest, otherFrom);
            }
        }
        return earliest;
    }

    /**
     * What the departed member served from {@code from} until its departure: its number and
     * the total as they were, read back through the changes before it (a member that joined
     * or left in the meantime changed them).
     */
    private static List<Share> departedShares(MembershipChange departure, long from, List<MembershipChange> changes) {
        List<Share> descending = new ArrayList<>();
        String name = departure.name();
        int number = departure.number();
        int total = departure.total() + 1;
        boolean known = false;
        for (int j = changes.indexOf(departure) - 1; j >= 0; j--) {
            MembershipChange previous = changes.get(j);
            if (!previous.generation().equals(departure.generation()) || previous.epoch() != departure.epoch() - descending.size() - 1) {
                break;
            }
            long effective = effectiveAt(previous);
            descending.add(new Share(effective, number, total));
            if (effective <= from) {
                known = true;
                break;
            }
            // What held before that change.
            if (previous.name().equals(name) && previous.kind() == MembershipChange.Kind.JOINED) {
                descending.add(Share.none(Long.MIN_VALUE));
                known = true;
                break;
            }
            if (previous.move().filter(move -> move.name().equals(name)).isPresent()) {
                number = previous.move().get().from();
            }
            total = previous.kind() == MembershipChange.Kind.JOINED ? total - 1 : total + 1;
        }
        if (!known) {
            // The changelog reaches no further back: take the earliest state read as the one before.
            descending.add(new Share(Long.MIN_VALUE, number, total));
        }
        List<Share> ascending = new ArrayList<>(descending);
        java.util.Collections.reverse(ascending);
        return ascending;
    }

    /**
     * Where a departed member's missing work starts: a graceful stop says exactly up to when
     * its batches went out; a crash is known only by its last renewal, less the margin.
     */
    private static long missedFrom(MembershipChange departure) {
        return departure.kind() == MembershipChange.Kind.LEFT
                ? departure.missedSinceMs()
                : departure.missedSinceMs() - MISSED_MARGIN.toMillis();
    }

    /**
     * Where a joining member's share starts: when the join takes effect; but a member that
     * joined an empty map (the first producer of a fresh cluster, or the first after every
     * other one went) takes the whole current interval, whose work nobody did. An interval
     * already over is left alone: its readings would come too late to be of use.
     */
    private static long joinedFrom(MembershipChange joined, long tickStartMs) {
        return joined.total() == 1 ? tickStartMs : effectiveAt(joined);
    }

    private static long effectiveAt(MembershipChange change) {
        return change.atMs() + DELAY.toMillis();
    }
}
