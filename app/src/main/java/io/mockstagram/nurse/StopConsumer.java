package io.mockstagram.nurse;

import io.mockstagram.config.Namespace;
import io.mockstagram.events.ClusterEvent;
import io.mockstagram.events.ProducerStopped;
import io.mockstagram.infra.Json;
import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.MessageConsumer;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * The nurses' shared durable consumer of {@code producer.stopped}: only the acting nurse
 * consumes, and a successor resumes where it stopped, so no announced stop is missed.
 */
final class StopConsumer {

    private static final Logger log = LoggerFactory.getLogger(StopConsumer.class);
    static final String DURABLE = "nurse";

    private final Namespace namespace;
    private final BiConsumer<ProducerStopped, Runnable> handler;
    private MessageConsumer consumer;

    StopConsumer(Namespace namespace, BiConsumer<ProducerStopped, Runnable> handler) {
        this.namespace = namespace;
        this.handler = handler;
    }

    /** (Re)starts consuming; false when JetStream did not answer, and nothing is consumed. */
    synchronized boolean start(Connection connection) {
        stop();
        try {
            ConsumerContext context = connection.getStreamContext(namespace.eventsStream())
                    .createOrUpdateConsumer(ConsumerConfiguration.builder()
                            .durable(DURABLE)
                            .filterSubject(namespace.eventSubject(ProducerStopped.TYPE))
                            .ackPolicy(AckPolicy.Explicit)
                            .deliverPolicy(DeliverPolicy.New)
                            .ackWait(Duration.ofSeconds(5))
                            .build());
            consumer = context.consume(message -> {
                ClusterEvent event;
                try {
                    event = Json.read(message.getData(), ClusterEvent.class);
                } catch (RuntimeException e) {
                    log.warn("dropping an unreadable stop event: {}", e.getMessage());
                    message.term();
                    return;
                }
                if (event instanceof ProducerStopped stopped) {
                    handler.accept(stopped, message::ack);
                } else {
                    message.ack();
                }
            });
            return true;
        } catch (Exception e) {
            log.warn("could not consume producer.stopped yet ({}); expiry still catches stopped producers", e.getMessage());
            return false;
        }
    }

    synchronized boolean isConsuming() {
        return consumer != null;
    }

    synchronized void stop() {
        if (consumer != null) {
            try {
                consumer.stop();
                consumer.close();
            } catch (Exception e) {
                log.debug("stopping the stop consumer: {}", e.toString());
            }
            consumer = null;
        }
    }
}
