package io.mockstagram.membership.store;

import java.util.Optional;

/**
 * One entry of the membership changelog.
 *
 * @param id     the stream entry id, to read on from
 * @param epoch  the epoch this change produced
 * @param kind   what happened
 * @param name   the member that joined, left or was evicted
 * @param number that member's number
 * @param total  TOTAL after the change
 * @param move   the member that took the freed number, if any
 * @param generation the map's generation id ('' for entries written before generations existed)
 * @param atMs   when the change was made, Redis time; 0 for entries written before it was recorded
 * @param missedSinceMs for a departure, the Redis time since when the member may have left its work
 *               undone: the time it said it stopped, or its last renewal; 0 when nobody can say
 */
public record MembershipChange(String id, long epoch, Kind kind, String name, int number, int total, Optional<Move> move,
                               String generation, long atMs, long missedSinceMs) {

    public boolean isDeparture() {
        return kind == Kind.LEFT || kind == Kind.EVICTED;
    }

    /** RESET (a map rebuilt empty under a new generation) is announced to members only, never logged. */
    public enum Kind { JOINED, LEFT, EVICTED, RESET }

    /** The highest-numbered member moving into a freed number. */
    public record Move(String name, int from, int to) {
    }
}
