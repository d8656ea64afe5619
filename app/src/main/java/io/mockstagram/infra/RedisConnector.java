package io.mockstagram.infra;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.metrics.MicrometerCommandLatencyRecorder;
import io.lettuce.core.metrics.MicrometerOptions;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.MeterRegistry;
import io.mockstagram.config.ConfigException;
import io.mockstagram.config.RedisSettings;
import io.mockstagram.membership.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Opens the Redis connection a role uses. Commands fail fast while disconnected instead
 * of queueing (a queued heartbeat is worse than a failed one), and the connection
 * reconnects by itself with exponential backoff.
 */
public final class RedisConnector {

    private static final Logger log = LoggerFactory.getLogger(RedisConnector.class);

    private RedisConnector() {
    }

    public record Redis(RedisClient client, StatefulRedisConnection<String, String> connection) implements AutoCloseable {

        public boolean isConnected() {
            return connection.isOpen();
        }

        /** A second connection for pub/sub, which cannot share the command connection. */
        public StatefulRedisPubSubConnection<String, String> connectPubSub() {
            return client.connectPubSub();
        }

        @Override
        public void close() {
            connection.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            // Resources passed in when the client was created outlive it unless shut down too.
            client.getResources().shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    /** Whose threads a connection's I/O and callbacks run on. */
    public enum Threads {
        /** Lettuce's defaults, one event loop per core. */
        DEFAULT,
        /**
         * One I/O and one computation thread that serve this connection alone: its replies are
         * never handled behind another connection's, and the leases it renews never wait on the
         * role's bulk traffic.
         */
        DEDICATED
    }

    /**
     * Connects, retrying with backoff until {@code startupTimeout}; a host that does not
     * resolve is a configuration error and fails at once.
     */
    public static Redis connect(RedisSettings settings, String clientName, Duration commandTimeout, Duration startupTimeout,
                                MeterRegistry registry) {
        return connect(settings, clientName, commandTimeout, startupTimeout, registry, Threads.DEFAULT);
    }

    /** The same, on the threads {@code threads} names. */
    public static Redis connect(RedisSettings settings, String clientName, Duration commandTimeout, Duration startupTimeout,
                                MeterRegistry registry, Threads threads) {
        requireResolvable(settings);
        // A copy: a role may open two connections from one URI, each under a name of its own.
        RedisURI uri = RedisURI.builder(settings.uri()).withClientName(clientName).build();
        ClientResources.Builder builder = ClientResources.builder()
                // Counts every command sent, as lettuce_command_completion_seconds_count{command=...}.
                .commandLatencyRecorder(new MicrometerCommandLatencyRecorder(registry, MicrometerOptions.builder()
                        .histogram(false).localDistinction(false).targetPercentiles(new double[0]).build()))
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS));
        if (threads == Threads.DEDICATED) {
            builder.ioThreadPoolSize(1).computationThreadPoolSize(1);
        }
        ClientResources resources = builder.build();
        RedisClient client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(2)).keepAlive(true).build())
                .build());

        var backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
        long deadline = System.nanoTime() + startupTimeout.toNanos();
        for (int attempt = 0; ; attempt++) {
            try {
                StatefulRedisConnection<String, String> connection = client.connect();
                log.atInfo().setMessage("connected to Redis").addKeyValue("url", settings.redacted()).log();
                return new Redis(client, connection);
            } catch (RedisConnectionException e) {
                String reason = rootMessage(e);
                if (reason.contains("NOAUTH") || reason.contains("WRONGPASS") || reason.contains("invalid password")) {
                    client.shutdown();
                    throw new ConfigException(settings.setting().source() + ": Redis refused the credentials (" + reason + ")");
                }
                if (System.nanoTime() - deadline > 0) {
                    client.shutdown();
                    throw new ConfigException(settings.setting().source() + "='" + settings.redacted()
                            + "': cannot connect (" + reason + ") within " + startupTimeout.toSeconds() + " s");
                }
                Duration delay = backoff.delay(attempt);
                log.atWarn().setMessage("Redis not reachable yet; retrying").addKeyValue("url", settings.redacted())
                        .addKeyValue("error", reason).addKeyValue("retryInMs", delay.toMillis()).log();
                sleep(delay);
            }
        }
    }

    private static void requireResolvable(RedisSettings settings) {
        String host = settings.uri().getHost();
        try {
            InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new ConfigException(settings.setting().source() + "='" + settings.redacted()
                    + "': host '" + host + "' cannot be resolved");
        }
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private static void sleep(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to Redis", e);
        }
    }
}
