package io.mockstagram.pipeline;

import io.mockstagram.infra.Json;
import io.mockstagram.infra.NatsLink;
import io.mockstagram.membership.Backoff;
import io.nats.client.ConsumerContext;
import io.nats.client.Message;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Pulls messages from a work-queue stream through a durable consumer shared by every
 * replica of a role, taking a new message only when one of {@code inFlight} slots is free.
 * A message not acknowledged within {@code ackWait} (its worker died) goes to another
 * replica. The handler must call the release callback once it has acked or nacked.
 * Closing drains: it stops taking messages and waits for those under way.
 */
public final class WorkQueue implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WorkQueue.class);
    private static final Duration DRAIN = Duration.ofSeconds(10);
    private static final Duration PULL_WAIT = Duration.ofSeconds(1);

    private final NatsLink nats;
    private final String stream;
    private final String durable;
    private final Duration ackWait;
    private final Semaphore slots;
    private final int inFlight;
    private final BiConsumer<Message, Runnable> handler;
    private final Thread puller;
    private volatile boolean running = true;
    private ConsumerContext consumer;

    public WorkQueue(NatsLink nats, String stream, String durable, Duration ackWait, int inFlight,
                     BiConsumer<Message, Runnable> handler) {
        this.nats = nats;
        this.stream = stream;
        this.durable = durable;
        this.ackWait = ackWait;
        this.slots = new Semaphore(inFlight);
        this.inFlight = inFlight;
        this.handler = handler;
        this.puller = new Thread(this::pull, "pull-" + durable);
        this.puller.setDaemon(true);
    }

    /** Handles one decoded message: acks or naks it, then calls {@code release}. */
    @FunctionalInterface
    public interface Handler<T> {
        void handle(T body, Message message, Runnable release);
    }

    /**
     * A handler of JSON bodies of {@code type}. A body that cannot be read never will be: it is
     * terminated, not redelivered, and logged.
     */
    public static <T> BiConsumer<Message, Runnable> json(Class<T> type, Handler<T> handler) {
        return (message, release) -> {
            T body;
            try {
                body = Json.read(message.getData(), type);
            } catch (RuntimeException e) {
                log.warn("dropping an unreadable {}: {}", type.getSimpleName(), e.getMessage());
                message.term();
                release.run();
                return;
            }
            handler.handle(body, message, release);
        };
    }

    public WorkQueue start() {
        puller.start();
        return this;
    }

    private void pull() {
        var backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
        int failures = 0;
        while (running) {
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                return;
            }
            if (!running) {
                slots.release();
                return;
            }
            Message message = null;
            try {
                message = consumer().next(PULL_WAIT);
                failures = 0;
            } catch (InterruptedException e) {
                slots.release();
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                consumer = null;
                if (failures++ % 20 == 0) {
                    log.warn("cannot pull from {}: {}", stream, e.getMessage());
                }
                pause(backoff.delay(failures));
            }
            if (message == null) {
                slots.release();
                continue;
            }
            try {
                handler.accept(message, slots::release);
            } catch (RuntimeException e) {
                log.error("handler failed on a message from {}", stream, e);
                message.nak();
                slots.release();
            }
        }
    }

    private ConsumerContext consumer() throws Exception {
        if (consumer == null) {
            var connection = nats.connection().orElseThrow(() -> new IllegalStateException("NATS not connected"));
            consumer = connection.getStreamContext(stream).createOrUpdateConsumer(ConsumerConfiguration.builder()
                    .durable(durable)
                    .ackPolicy(AckPolicy.Explicit)
                    .ackWait(ackWait)
                    .maxAckPending(10_000)
                    .build());
        }
        return consumer;
    }

    private static void pause(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops taking messages and waits a while for the ones under way to be acknowledged, so
     * that a stop (SIGTERM, a rolling update) hands nothing over to a redelivery.
     */
    @Override
    public void close() {
        stop();
    }

    /** Closes; true when every message under way was finished within the drain time. */
    boolean stop() {
        running = false;
        try {
            // A pull under way ends within its wait; cut short, it could leave a message with
            // this consumer until its ack wait runs out. Only a puller still waiting for a free
            // slot, with nothing in hand, is interrupted.
            puller.join(PULL_WAIT.toMillis() + 500);
            puller.interrupt();
            if (slots.tryAcquire(inFlight, DRAIN.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
            log.warn("stopping with messages from {} still under way; they will be delivered again", stream);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }
}
