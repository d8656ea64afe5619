package io.mockstagram.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What the cluster says about its membership on the events stream. Events are hints that
 * make convergence fast; Redis stays the truth. Every event carries the epoch it was sent
 * at, and an id that JetStream uses to drop duplicates.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ProducerStarted.class, name = ProducerStarted.TYPE),
        @JsonSubTypes.Type(value = ProducerStopped.class, name = ProducerStopped.TYPE),
        @JsonSubTypes.Type(value = NurseUpdated.class, name = NurseUpdated.TYPE)
})
public sealed interface ClusterEvent permits ProducerStarted, ProducerStopped, NurseUpdated {

    long epoch();

    /** The event type, which is also the last part of its subject. */
    @JsonIgnore
    String type();

    /** Sent as {@code Nats-Msg-Id}: the same event published twice is stored once. */
    @JsonIgnore
    String messageId();
}
