package io.mockstagram.membership;

import java.time.Duration;

/**
 * How a member weighs what it hears of the map against what it knows. Pure, so that the
 * rules can be checked on their own.
 *
 * <p>A map is known by its generation, a random id Redis creates with the epoch key. A
 * member that hears of another generation than the one it joined knows nothing of that map:
 * its number there may be anyone's. It stops acting at once and asks Redis, which has it
 * rejoin.
 */
final class MapRules {

    /** What to do with a change notice or an event. */
    enum Action {
        /** Old news. */
        IGNORE,
        /** The very next change of the map the member holds: follow it without asking Redis. */
        APPLY,
        /** Something the member cannot follow by itself: ask Redis. */
        REFRESH,
        /** Another map than the member's: stop acting now, then ask Redis. */
        FENCE_AND_REFRESH
    }

    private MapRules() {
    }

    /**
     * @param knownGeneration the generation the member joined, null before its first join
     * @param current         the member's assignment
     * @param epoch           the notice's epoch
     * @param generation      the notice's generation, '' when it names none
     * @param aboutSelf       whether the notice is about this member joining, leaving or being evicted
     */
    static Action onNotice(String knownGeneration, Assignment current, long epoch, String generation, boolean aboutSelf) {
        if (foreign(knownGeneration, generation)) {
            return current.isActive() ? Action.FENCE_AND_REFRESH : Action.REFRESH;
        }
        if (epoch <= current.epoch()) {
            return Action.IGNORE;
        }
        if (current.state() == MemberState.JOINING && knownGeneration != null && !aboutSelf) {
            // Holding a number while its map settles: it asks Redis again on its own schedule,
            // so that many members joining a young map do not answer every join with a join.
            return Action.IGNORE;
        }
        boolean inStep = knownGeneration != null && knownGeneration.equals(generation)
                && epoch == current.epoch() + 1 && current.state() != MemberState.JOINING && !aboutSelf;
        return inStep ? Action.APPLY : Action.REFRESH;
    }

    /** A hint (an event) carries no change to apply: it can only make the member ask, or fence. */
    static Action onHint(String knownGeneration, Assignment current, long epoch, String generation) {
        Action action = onNotice(knownGeneration, current, epoch, generation, false);
        return action == Action.APPLY ? Action.REFRESH : action;
    }

    /** True when {@code generation} is known to differ from the member's. */
    static boolean foreign(String knownGeneration, String generation) {
        return knownGeneration != null && !generation.isEmpty() && !generation.equals(knownGeneration);
    }

    /**
     * How long a member that joined a map {@code generationAgeMillis} old must still wait
     * before it acts. Members of the map Redis forgot cannot renew into the new one, so one
     * lease after the new map began every one of them has stopped acting.
     */
    static Duration settleWait(long generationAgeMillis, Duration lease) {
        return Duration.ofMillis(Math.max(0, lease.toMillis() - Math.max(0, generationAgeMillis)));
    }
}
