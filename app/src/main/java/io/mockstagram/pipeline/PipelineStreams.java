package io.mockstagram.pipeline;

import io.mockstagram.config.Namespace;
import io.mockstagram.events.JetStreams;
import io.mockstagram.infra.NatsLink;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;

/**
 * The pipeline's JetStream streams, created on every (re)connection since a restarted
 * server may have lost them. Tasks and readings are work queues: each message is consumed
 * once by whichever fetcher or updater pulls it, and removed when acknowledged.
 */
public final class PipelineStreams {

    private static final Logger log = LoggerFactory.getLogger(PipelineStreams.class);

    /** Longer than any interval: a batch re-sent within it is stored once. */
    static final Duration DUPLICATE_WINDOW = Duration.ofMinutes(5);

    private PipelineStreams() {
    }

    public static void ensureOnConnect(NatsLink nats, Namespace namespace) {
        nats.whenConnected(connection -> ensure(connection, namespace));
    }

    public static void ensure(Connection connection, Namespace namespace) {
        create(connection, workQueue(namespace.tasksStream(), namespace.tasksSubject(), Duration.ofMinutes(10)));
        create(connection, workQueue(namespace.readingsStream(), namespace.readingsSubject(), Duration.ofHours(1)));
        create(connection, StreamConfiguration.builder()
                .name(namespace.deadLetterStream())
                .subjects(namespace.deadLetterSubject())
                .storageType(StorageType.File)
                .retentionPolicy(RetentionPolicy.Limits)
                .maxAge(Duration.ofDays(7))
                .maxMessages(1_000_000)
                .build());
    }

    /**
     * A bounded work queue: if consumers fall far behind, old tasks are dropped rather than
     * growing without end; the next tick schedules every pk again anyway.
     */
    private static StreamConfiguration workQueue(String name, String subject, Duration maxAge) {
        return StreamConfiguration.builder()
                .name(name)
                .subjects(subject)
                .storageType(StorageType.File)
                .retentionPolicy(RetentionPolicy.WorkQueue)
                .discardPolicy(DiscardPolicy.Old)
                .maxAge(maxAge)
                .maxBytes(2L * 1024 * 1024 * 1024)
                .duplicateWindow(DUPLICATE_WINDOW)
                .build();
    }

    private static void create(Connection connection, StreamConfiguration config) {
        try {
            JetStreams.createOrUpdate(connection.jetStreamManagement(), config);
        } catch (IOException | JetStreamApiException e) {
            log.warn("could not create stream {}: {}", config.getName(), e.getMessage());
        }
    }
}
