package io.mockstagram.events;

import java.time.Instant;

/**
 * One membership change, as the acting nurse announces it: who joined, left or was
 * evicted, the new total and epoch, which member moved into the freed number, and the
 * generation of the map it happened in (null from nurses older than generations).
 */
public record NurseUpdated(long epoch, String change, String serverName, int serverNumber, int total, Moved moved,
                           String changeId, String nurse, Instant at, String generation) implements ClusterEvent {

    public static final String TYPE = "nurse.updated";

    /** The highest-numbered member taking the freed number; null when nobody moved. */
    public record Moved(String serverName, int from, int to) {
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String messageId() {
        return TYPE + ":" + changeId;
    }
}
