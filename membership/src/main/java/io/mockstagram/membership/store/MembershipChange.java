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
 */
public record MembershipChange(String id, long epoch, Kind kind, String name, int number, int total, Optional<Move> move,
                               String generation) {

    /** RESET (a map rebuilt empty under a new generation) is announced to members only, never logged. */
    public enum Kind { JOINED, LEFT, EVICTED, RESET }

    /** The highest-numbered member moving into a freed number. */
    public record Move(String name, int from, int to) {
    }
}
