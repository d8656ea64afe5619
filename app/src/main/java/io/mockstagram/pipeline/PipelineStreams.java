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
        create(connection, workQueue(namespace.tasksStream(), namespace.tasksSubject(), MAX_BYTES));
        create(connection, workQueue(namespace.readingsStream(), namespace.readingsSubject(), MAX_BYTES));
    }

    /** How much a work queue holds before it refuses new batches. */
    static final long MAX_BYTES = 2L * 1024 * 1024 * 1024;

    /**
     * A bounded work queue. When consumers fall so far behind that it is full, it refuses new
     * batches (DiscardNew) rather than silently drop old ones: the publisher sees the refusal
     * and counts it ({@link StreamDrops}). Nothing ages out either: a task kept too long is
     * dead-lettered by the fetcher that takes it, a reading batch is stored however late.
     */
    static StreamConfiguration workQueue(String name, String subject, long maxBytes) {
        return StreamConfiguration.builder()
                .name(name)
                .subjects(subject)
                .storageType(StorageType.File)
                .retentionPolicy(RetentionPolicy.WorkQueue)
                .discardPolicy(DiscardPolicy.New)
                .maxBytes(maxBytes)
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
