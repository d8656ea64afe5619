package io.mockstagram.membership.store;

import java.util.List;

/**
 * What a membership script answered: an outcome, the caller's number (0 when it has
 * none), TOTAL and EPOCH after the script, for {@link Outcome#WAIT} how long to wait, the
 * map's generation and its age by Redis time, and for {@link Outcome#INCONSISTENT} and
 * {@link Outcome#REPAIRED} what was wrong.
 */
public record StoreReply(Outcome outcome, int number, int total, long epoch, long waitMillis, String generation,
                         long generationAgeMillis, String detail) {

    public enum Outcome {
        /** Join: took the next number, total + 1. */
        JOINED,
        /** Join: the name was still a member and keeps its number. */
        KEPT,
        /** Join: a renumbered member has not yet seen its new number; retry later. */
        WAIT,
        /** Heartbeat: the lease is renewed. */
        RENEWED,
        /** Heartbeat: the name is no longer a member of this map (evicted). */
        GONE,
        /** Heartbeat: another process now holds the name. */
        SUPERSEDED,
        /**
         * Heartbeat, leave: not the map the caller knew (empty, another generation, or older
         * than an epoch it has seen); nothing was written.
         */
        FOREIGN,
        /** Leave: removed, and the numbers closed up. */
        LEFT,
        /** Leave: nothing to remove. */
        ABSENT,
        /** Any change: the keys contradict each other (see detail); nothing was written. */
        INCONSISTENT,
        /** Repair: the map was consistent and current; nothing was written. */
        CONSISTENT,
        /** Repair: the map was replaced by an empty one of a new generation. */
        REPAIRED
    }

    static StoreReply parse(List<Object> raw) {
        return new StoreReply(
                Outcome.valueOf((String) raw.get(0)),
                Math.toIntExact((Long) raw.get(1)),
                Math.toIntExact((Long) raw.get(2)),
                (Long) raw.get(3),
                (Long) raw.get(4),
                (String) raw.get(5),
                (Long) raw.get(6),
                (String) raw.get(7));
    }
}
