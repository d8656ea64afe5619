package io.mockstagram.pipeline.scheduling;

import io.mockstagram.config.Namespace;
import io.mockstagram.infra.NatsLink;
import io.nats.client.Connection;
import io.nats.client.PublishOptions;

import java.io.IOException;
import java.time.Duration;

/** Puts one task batch on the tasks work queue under a message id, waiting for JetStream's answer. */
@FunctionalInterface
public interface TaskPublisher {

    /** How long one publish waits for JetStream's acknowledgement. */
    Duration PUBLISH_TIMEOUT = Duration.ofSeconds(2);

    /**
     * Returns true when JetStream already held a message with this id (and so kept the first);
     * throws when the outcome is unknown: the batch may or may not have been stored.
     */
    boolean publish(String messageId, byte[] batch) throws Exception;

    static TaskPublisher jetStream(NatsLink nats, Namespace namespace) {
        return (messageId, batch) -> {
            Connection connection = nats.connection().orElseThrow(() -> new IOException("NATS not connected"));
            return connection.jetStream().publish(namespace.tasksSubject(), batch,
                    PublishOptions.builder().messageId(messageId).stream(namespace.tasksStream())
                            .streamTimeout(PUBLISH_TIMEOUT).build()).isDuplicate();
        };
    }
}
