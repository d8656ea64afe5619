package io.mockstagram.events;

import io.mockstagram.config.Namespace;
import io.mockstagram.infra.Json;
import io.mockstagram.infra.NatsLink;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The namespace's events stream on JetStream: creates it on every (re)connection (a
 * restarted server may have lost it), publishes with {@code Nats-Msg-Id}, and delivers
 * events to listeners that treat them as hints.
 */
public final class ClusterEvents {

    private static final Logger log = LoggerFactory.getLogger(ClusterEvents.class);
    private static final Duration DUPLICATE_WINDOW = Duration.ofMinutes(2);
    /**
     * A publish sent while the server was away, or before its JetStream has recovered, can
     * wait many seconds for an answer that never comes; the nurse relays one change at a
     * time, so it gives up soon and tries again.
     */
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(2);

    private final NatsLink nats;
    private final Namespace namespace;

    public ClusterEvents(NatsLink nats, Namespace namespace) {
        this.nats = nats;
        this.namespace = namespace;
        nats.whenConnected(this::ensureStream);
    }

    public Namespace namespace() {
        return namespace;
    }

    public NatsLink link() {
        return nats;
    }

    /** Publishes and completes with the ack; fails at once when NATS has never been reached. */
    public CompletableFuture<PublishAck> publish(ClusterEvent event) {
        Connection connection = nats.anyConnection().orElse(null);
        if (connection == null) {
            return CompletableFuture.failedFuture(new IOException("NATS not connected"));
        }
        try {
            PublishOptions options = PublishOptions.builder()
                    .messageId(event.messageId())
                    .stream(namespace.eventsStream())
                    .build();
            return connection.jetStream().publishAsync(namespace.eventSubject(event.type()), new Headers(),
                    Json.writeBytes(event), options).orTimeout(PUBLISH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Publishes without waiting, logging a failure: for hints whose loss heartbeats make up for. */
    public void publishHint(ClusterEvent event) {
        publish(event).whenComplete((ack, failure) -> {
            if (failure instanceof CancellationException || failure != null && failure.getCause() instanceof CancellationException) {
                log.debug("event {} not published: the connection is closing", event.type());
            } else if (failure != null) {
                log.atWarn().setMessage("could not publish event; heartbeats will carry the change")
                        .addKeyValue("type", event.type()).addKeyValue("epoch", event.epoch())
                        .addKeyValue("error", failure.getMessage()).log();
            }
        });
    }

    /** Delivers every event of the namespace to {@code listener}, from now on, on a NATS dispatcher thread. */
    public void subscribe(Consumer<ClusterEvent> listener) {
        subscribeSubject(namespace.eventsSubjects(), listener);
    }

    /** Delivers the events of one type, such as {@link NurseUpdated#TYPE}. */
    public void subscribe(String type, Consumer<ClusterEvent> listener) {
        subscribeSubject(namespace.eventSubject(type), listener);
    }

    private void subscribeSubject(String subject, Consumer<ClusterEvent> listener) {
        nats.whenConnected(new Consumer<>() {
            private Dispatcher dispatcher;

            @Override
            public void accept(Connection connection) {
                if (dispatcher == null) {
                    // Subscriptions survive reconnects; only the first connection subscribes.
                    dispatcher = connection.createDispatcher(message -> deliver(message, listener));
                    dispatcher.subscribe(subject);
                }
            }
        });
    }

    private static void deliver(Message message, Consumer<ClusterEvent> listener) {
        ClusterEvent event;
        try {
            event = Json.read(message.getData(), ClusterEvent.class);
        } catch (RuntimeException e) {
            log.warn("ignoring an unreadable event on {}: {}", message.getSubject(), e.getMessage());
            return;
        }
        listener.accept(event);
    }

    private void ensureStream(Connection connection) {
        StreamConfiguration config = StreamConfiguration.builder()
                .name(namespace.eventsStream())
                .subjects(namespace.eventsSubjects())
                .storageType(StorageType.File)
                .retentionPolicy(RetentionPolicy.Limits)
                .maxAge(Duration.ofDays(1))
                .maxMessages(100_000)
                .duplicateWindow(DUPLICATE_WINDOW)
                .build();
        try {
            JetStreamManagement jsm = connection.jetStreamManagement();
            JetStreams.createOrUpdate(jsm, config);
        } catch (IOException | JetStreamApiException e) {
            log.warn("could not create stream {}: {}", namespace.eventsStream(), e.getMessage());
        }
    }
}
