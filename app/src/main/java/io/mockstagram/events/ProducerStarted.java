package io.mockstagram.events;

import java.time.Instant;

/** A producer joined (or rejoined) and holds {@code serverNumber} of {@code total}. */
public record ProducerStarted(String serverName, String incarnation, int serverNumber, int total, long epoch,
                              Instant at) implements ClusterEvent {

    public static final String TYPE = "producer.started";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String messageId() {
        return TYPE + ":" + serverName + ":" + incarnation + ":" + epoch;
    }
}
