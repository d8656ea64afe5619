package io.mockstagram.infra;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mockstagram.config.NatsSettings;
import io.mockstagram.config.RedisSettings;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * What one running role owns: its Vert.x instance, its metrics registry and its readiness
 * checks, plus everything it opened, closed in reverse order on stop.
 */
public final class RoleContext implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RoleContext.class);

    private final String role;
    private final String instance;
    private final Vertx vertx;
    private final PrometheusMeterRegistry registry;
    private final Readiness readiness = new Readiness();
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);

    private RoleContext(String role, String instance, int eventLoops) {
        this.role = role;
        this.instance = instance;
        this.registry = Metrics.registry(role, instance);
        this.vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(eventLoops)
                .setWorkerPoolSize(4)
                .setFileSystemOptions(new FileSystemOptions()
                        .setFileCacheDir(Path.of(System.getProperty("java.io.tmpdir"), "mockstagram-vertx").toString())));
    }

    public static RoleContext create(String role, String instance, int eventLoops) {
        return new RoleContext(role, instance, eventLoops);
    }

    public String role() {
        return role;
    }

    public String instance() {
        return instance;
    }

    public Vertx vertx() {
        return vertx;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public Readiness readiness() {
        return readiness;
    }

    /**
     * Connects to Redis (see {@link RedisConnector}), reports the connection as the gauge
     * {@code mockstagram.redis.connected} and, when the role cannot work without it, in readiness.
     */
    public RedisConnector.Redis connectRedis(RedisSettings settings, Duration commandTimeout, Duration startupTimeout,
                                             boolean neededToBeReady) {
        var redis = own(RedisConnector.connect(settings, role + "-" + instance, commandTimeout, startupTimeout, registry));
        Gauge.builder("mockstagram.redis.connected", () -> redis.isConnected() ? 1 : 0).register(registry);
        if (neededToBeReady) {
            readiness.require("redis", redis::isConnected);
        }
        return redis;
    }

    /** Starts the NATS connection, with the gauge {@code mockstagram.nats.connected} and, if needed, readiness. */
    public NatsLink connectNats(NatsSettings settings, boolean neededToBeReady) {
        NatsLink nats = own(NatsLink.start(settings, role + "-" + instance));
        Gauge.builder("mockstagram.nats.connected", () -> nats.isConnected() ? 1 : 0).register(registry);
        if (neededToBeReady) {
            readiness.require("nats", nats::isConnected);
        }
        return nats;
    }

    /**
     * Serves the role's HTTP endpoints on every interface: {@code /health/*} and {@code /metrics}
     * from this context, plus {@code routes}. Closed with the role.
     */
    public OpsServer serveHttp(int port, Consumer<Router> routes) {
        return serveHttp("0.0.0.0", port, routes);
    }

    /** The same, listening on {@code host} only. */
    public OpsServer serveHttp(String host, int port, Consumer<Router> routes) {
        return own(OpsServer.start(vertx, role, host, port, registry, readiness, routes));
    }

    /** Registers something to close when the role stops; returns it for chaining. */
    public <T extends AutoCloseable> T own(T resource) {
        resources.push(resource);
        return resource;
    }

    /** Blocks until the role has stopped. */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    /** Closes everything the role owns, newest first; later calls do nothing. */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        while (!resources.isEmpty()) {
            AutoCloseable resource = resources.pop();
            try {
                resource.close();
            } catch (Exception e) {
                log.debug("closing {} failed: {}", resource, e.toString());
            }
        }
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.debug("Vert.x did not close cleanly: {}", e.toString());
        }
        registry.close();
        closed.countDown();
    }
}
