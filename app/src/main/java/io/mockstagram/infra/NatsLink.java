package io.mockstagram.infra;

import io.mockstagram.config.ConfigException;
import io.mockstagram.config.NatsSettings;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A NATS connection that never gives up: it connects in the background, reconnects
 * forever, and tells interested parties each time it is (re)connected so that they can
 * recreate streams a restarted server may have lost. Until it first connects, there is
 * simply no connection; callers that treat NATS as a hint carry on without it.
 */
public final class NatsLink implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NatsLink.class);

    private final NatsSettings settings;
    private final AtomicReference<Connection> connection = new AtomicReference<>();
    private final List<Consumer<Connection>> onConnected = new CopyOnWriteArrayList<>();
    private volatile boolean connected;
    /**
     * Runs the on-connect actions. They make JetStream requests, which must not block the
     * client's own event callback: blocked there after a reconnect, its requests, and later
     * ones, could go unanswered for many seconds.
     */
    private final ExecutorService callbacks = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "nats-on-connect");
        thread.setDaemon(true);
        return thread;
    });

    private NatsLink(NatsSettings settings) {
        this.settings = settings;
    }

    /** Starts connecting; a host that does not resolve is a configuration error and fails at once. */
    public static NatsLink start(NatsSettings settings, String clientName) {
        requireResolvable(settings);
        var link = new NatsLink(settings);
        Options options = new Options.Builder()
                .server(settings.url())
                .connectionName(clientName)
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(250))
                .connectionTimeout(Duration.ofSeconds(2))
                // A connection to a server that restarted or froze can look open for a long
                // time; frequent pings notice it within seconds and reconnect.
                .pingInterval(Duration.ofSeconds(1))
                .connectionListener(link::onEvent)
                .errorListener(new ErrorListener() { })
                .build();
        try {
            Nats.connectAsynchronously(options, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to NATS", e);
        }
        return link;
    }

    /** Runs {@code action} on every (re)connection, and now if already connected. */
    public void whenConnected(Consumer<Connection> action) {
        onConnected.add(action);
        Connection current = connection.get();
        if (connected && current != null) {
            runSafely(action, current);
        }
    }

    public Optional<Connection> connection() {
        return connected ? Optional.ofNullable(connection.get()) : Optional.empty();
    }

    /** The connection even while it is reconnecting (publishes are then buffered), if it ever connected. */
    public Optional<Connection> anyConnection() {
        return Optional.ofNullable(connection.get());
    }

    public boolean isConnected() {
        return connected;
    }

    private void onEvent(Connection conn, ConnectionListener.Events event) {
        switch (event) {
            case CONNECTED, RECONNECTED -> {
                connection.set(conn);
                connected = true;
                log.atInfo().setMessage(event == ConnectionListener.Events.CONNECTED ? "connected to NATS" : "reconnected to NATS")
                        .addKeyValue("url", settings.redacted()).log();
                callbacks.execute(() -> onConnected.forEach(action -> runSafely(action, conn)));
            }
            case DISCONNECTED -> {
                if (connected) {
                    log.atWarn().setMessage("lost NATS; reconnecting").addKeyValue("url", settings.redacted()).log();
                }
                connected = false;
            }
            case CLOSED -> connected = false;
            default -> {
            }
        }
    }

    private static void runSafely(Consumer<Connection> action, Connection conn) {
        try {
            action.accept(conn);
        } catch (RuntimeException e) {
            log.warn("NATS connection callback failed: {}", e.toString());
        }
    }

    private static void requireResolvable(NatsSettings settings) {
        try {
            InetAddress.getByName(settings.host());
        } catch (UnknownHostException e) {
            throw new ConfigException(settings.setting().source() + "='" + settings.redacted()
                    + "': host '" + settings.host() + "' cannot be resolved");
        }
    }

    @Override
    public void close() {
        callbacks.shutdownNow();
        Connection current = connection.get();
        if (current != null) {
            try {
                current.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
