package io.mockstagram.events;

import io.mockstagram.config.Namespace;
import io.mockstagram.infra.NatsLink;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.StorageType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The highest membership epoch the cluster has recorded, kept where it outlives Redis and
 * every process: key {@code epoch} of the JetStream key-value bucket {@code <ns>_MEMBERSHIP}.
 * Producers read it before they join, so that a map rebuilt after Redis and all its members
 * were lost still starts above every epoch anyone acted on; the nurse raises it as it relays
 * each change. Best effort: without NATS the floor held in memory still applies.
 */
public final class EpochFloor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EpochFloor.class);
    private static final String KEY = "epoch";
    private static final int CAS_ATTEMPTS = 5;

    private final NatsLink nats;
    private final String bucket;
    private final AtomicLong known = new AtomicLong();
    private final AtomicLong target = new AtomicLong();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "epoch-floor");
        thread.setDaemon(true);
        return thread;
    });

    // Confined to the writer thread.
    private long durable;

    public EpochFloor(NatsLink nats, Namespace namespace) {
        this.nats = nats;
        this.bucket = namespace.membershipBucket();
        // Only a raise that failed while NATS was away is retried on reconnection: a restarted
        // server's JetStream has enough to do recovering its streams.
        nats.whenConnected(connection -> writer.execute(this::flush));
    }

    /** The highest epoch known here, from the bucket or seen in this process. */
    public long current() {
        return known.get();
    }

    /** Takes note of an epoch seen in this process. */
    public void observe(long epoch) {
        known.accumulateAndGet(epoch, Math::max);
    }

    /**
     * Reads the recorded floor, waiting at most {@code timeout} for NATS; returns the
     * highest epoch known here, 0 when nothing is.
     */
    public long load(Duration timeout) {
        var connected = new CompletableFuture<Connection>();
        nats.whenConnected(connected::complete);
        try {
            Connection connection = connected.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            read(connection).ifPresent(this::observe);
        } catch (TimeoutException e) {
            log.warn("NATS did not answer within {} ms; the epoch floor is only what this process has seen",
                    timeout.toMillis());
        } catch (ExecutionException | IOException | JetStreamApiException e) {
            log.warn("could not read the epoch floor: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return current();
    }

    /** Raises the recorded floor to at least {@code epoch}, in the background; it never goes down. */
    public void raise(long epoch) {
        observe(epoch);
        target.accumulateAndGet(epoch, Math::max);
        try {
            writer.execute(this::flush);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            log.debug("epoch floor closed; not raising it to {}", epoch);
        }
    }

    private Optional<Long> read(Connection connection) throws IOException, JetStreamApiException {
        ensureBucket(connection);
        return Optional.ofNullable(connection.keyValue(bucket).get(KEY)).flatMap(EpochFloor::value);
    }

    /** Compare-and-set until the stored value is at least the target: concurrent raisers never lower it. */
    private void flush() {
        long wanted = target.get();
        if (wanted <= durable) {
            return;
        }
        Optional<Connection> connection = nats.connection();
        if (connection.isEmpty()) {
            return; // raised again on reconnection
        }
        try {
            if (durable == 0) {
                ensureBucket(connection.get());
            }
            KeyValue kv = connection.get().keyValue(bucket);
            byte[] bytes = Long.toString(wanted).getBytes(StandardCharsets.US_ASCII);
            for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
                KeyValueEntry entry = kv.get(KEY);
                Optional<Long> stored = entry == null ? Optional.empty() : value(entry);
                if (stored.isPresent() && stored.get() >= wanted) {
                    durable = stored.get();
                    observe(stored.get());
                    return;
                }
                try {
                    if (entry == null) {
                        kv.create(KEY, bytes);
                    } else {
                        kv.update(KEY, bytes, entry.getRevision());
                    }
                    durable = wanted;
                    return;
                } catch (JetStreamApiException raced) {
                    log.debug("epoch floor changed under us; reading it again: {}", raced.getMessage());
                }
            }
            log.warn("could not raise the epoch floor to {} after {} attempts", wanted, CAS_ATTEMPTS);
        } catch (IOException | JetStreamApiException e) {
            log.debug("could not raise the epoch floor to {}: {}", wanted, e.toString());
        }
    }

    private void ensureBucket(Connection connection) {
        try {
            connection.keyValueManagement().create(KeyValueConfiguration.builder()
                    .name(bucket)
                    .storageType(StorageType.File)
                    .maxHistoryPerKey(1)
                    .build());
        } catch (JetStreamApiException e) {
            log.debug("bucket {} exists already: {}", bucket, e.getMessage());
        } catch (IOException | RuntimeException e) {
            log.warn("could not create bucket {}: {}", bucket, e.toString());
        }
    }

    private static Optional<Long> value(KeyValueEntry entry) {
        byte[] value = entry.getValue();
        if (value == null || value.length == 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(new String(value, StandardCharsets.US_ASCII).trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        writer.shutdownNow();
    }
}
