package io.mockstagram.membership;

/**
 * Where a member is in its life. Only an {@link #ACTIVE} member may act on its number.
 *
 * <pre>
 *   JOINING --joined--> ACTIVE --lease may lapse / evicted--> FENCED --rejoin--> JOINING
 *      ^                  |                                      |
 *      +----- evicted ----+---------------- leave() ------------> LEAVING
 * </pre>
 */
public enum MemberState {
    /** Asking Redis for a number; not acting yet. */
    JOINING,
    /** Holds a live lease on a number and may act on it. */
    ACTIVE,
    /** Could not renew in time, or lost its number: stopped acting until it rejoins. */
    FENCED,
    /** Leaving for good; will not act again. */
    LEAVING;

    public boolean mayAct() {
        return this == ACTIVE;
    }
}
