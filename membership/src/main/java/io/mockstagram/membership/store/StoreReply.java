package io.mockstagram.membership.store;

import java.util.List;

/**
 * What a membership script answered: an outcome, the caller's number (0 when it has
 * none), TOTAL and EPOCH after the script, and for {@link Outcome#WAIT} how long to wait.
 */
public record StoreReply(Outcome outcome, int number, int total, long epoch, long waitMillis) {

    public enum Outcome {
        /** Join: took the next number, total + 1. */
        JOINED,
        /** Join: the name was still a member and keeps its number. */
        KEPT,
        /** Join: a renumbered member has not yet seen its new number; retry later. */
        WAIT,
        /** Heartbeat: the lease is renewed. */
        RENEWED,
        /** Heartbeat: the name is no longer a member (evicted, or Redis lost it). */
        GONE,
        /** Heartbeat: another process now holds the name. */
        SUPERSEDED,
        /** Leave: removed, and the numbers closed up. */
        LEFT,
        /** Leave: nothing to remove. */
        ABSENT
    }

    static StoreReply parse(List<Object> raw) {
        return new StoreReply(
                Outcome.valueOf((String) raw.get(0)),
                Math.toIntExact((Long) raw.get(1)),
                Math.toIntExact((Long) raw.get(2)),
                (Long) raw.get(3),
                (Long) raw.get(4));
    }
}
