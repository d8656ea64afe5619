package io.mockstagram.events;

import java.time.Instant;

/**
 * A producer is stopping on purpose and leaves now; the nurse removes it at once.
 *
 * @param stoppedWorkAt when the producer's last task batch went out, so that whoever removes it
 *                      tells the survivors exactly where to take over; null when it never
 *                      scheduled, or in an event from a version that did not say
 */
public record ProducerStopped(String serverName, String incarnation, long epoch, Instant at, Instant stoppedWorkAt)
        implements ClusterEvent {

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
