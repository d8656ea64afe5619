package io.mockstagram.events;

import java.time.Instant;

/** A producer is stopping on purpose and leaves now; the nurse removes it at once. */
public record ProducerStopped(String serverName, String incarnation, long epoch, Instant at) implements ClusterEvent {

    public static final String TYPE = "producer.stopped";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String messageId() {
        return TYPE + ":" + serverName + ":" + incarnation;
    }
}
