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
import java.util.function.IntConsumer;

/**
 * What one running role owns: its Vert.x instance, its metrics registry and its readiness
 * checks, plus everything it opened, closed in reverse order on stop. It is also the one
 * way out for a role that cannot go on: {@link #failFatally}.
 */
public final class RoleContext implements AutoCloseable, FatalFailure {

    private static final Logger log = LoggerFactory.getLogger(RoleContext.class);
    /** Longer than any role's graceful stop. */
    private static final Duration HALT_AFTER = Duration.ofSeconds(15);

    private final String role;
    private final String instance;
    private final Vertx vertx;
    private final PrometheusMeterRegistry registry;
    private final Readiness readiness = new Readiness();
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicBoolean failed = new AtomicBoolean();
    private final IntConsumer exit;

    private RoleContext(String role, String instance, int eventLoops, IntConsumer exit) {
        this.role = role;
        this.instance = instance;
        this.exit = exit;
        readiness.require("running", () -> !failed.get());
        this.registry = Metrics.registry(role, instance);
        this.vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(eventLoops)
                .setWorkerPoolSize(4)
                .setFileSystemOptions(new FileSystemOptions()
                        .setFileCacheDir(Path.of(System.getProperty("java.io.tmpdir"), "mockstagram-vertx").toString())));
    }

    public static RoleContext create(String role, String instance, int eventLoops) {
        return create(role, instance, eventLoops, RoleContext::exitProcess);
    }

    /** The same, with {@code exit} called instead of ending the process when the role fails fatally. */
    public static RoleContext create(String role, String instance, int eventLoops, IntConsumer exit) {
        return new RoleContext(role, instance, eventLoops, exit);
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
        Gauge.builder("mockstagram.redis.connected", () -> redis.isConnected() ? 1 : 0).tag("connection", "shared")
                .register(registry);
        if (neededToBeReady) {
            readiness.require("redis", redis::isConnected);
        }
        return redis;
    }

    /**
     * A second Redis connection, for membership alone (leases, evictions, change notices), on
     * an event loop of its own: a renewal never waits behind the role's other traffic, in the
     * socket or in the thread that handles replies. Same URI, credentials and TLS as
     * {@link #connectRedis}; the role is not ready without it.
     */
    public RedisConnector.Redis connectMembershipRedis(RedisSettings settings, Duration commandTimeout,
                                                       Duration startupTimeout) {
        var redis = own(RedisConnector.connect(settings, role + "-" + instance + "-membership", commandTimeout,
                startupTimeout, registry, RedisConnector.Threads.DEDICATED));
        Gauge.builder("mockstagram.redis.connected", () -> redis.isConnected() ? 1 : 0).tag("connection", "membership")
                .register(registry);
        readiness.require("redis-membership", redis::isConnected);
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

    /** A guard for one of the role's loops, counted in this role's metrics and fatal to it on an Error. */
    public LoopGuard guard(String loop) {
        return new LoopGuard(loop, registry, this);
    }

    /**
     * The role cannot go on: it turns not-ready at once and exits with status
     * {@value FatalFailure#EXIT_STATUS}. The exit runs on a thread of its own, since the
     * shutdown it starts stops and waits for the very loop that may be calling this.
     */
    @Override
    public void failFatally(String reason, Throwable cause) {
        if (!failed.compareAndSet(false, true)) {
            log.atError().setMessage("another fatal failure while exiting").addKeyValue("reason", reason).setCause(cause).log();
            return;
        }
        log.atError().setMessage("fatal failure; exiting").addKeyValue("role", role).addKeyValue("reason", reason)
                .addKeyValue("status", EXIT_STATUS).setCause(cause).log();
        Thread exiting = new Thread(() -> exit.accept(EXIT_STATUS), "fatal-exit");
        exiting.start();
    }

    /** True once the role failed fatally. */
    public boolean hasFailed() {
        return failed.get();
    }

    /**
     * Exits through the shutdown hooks, which stop the role gracefully; should they hang,
     * the process halts anyway a little later, so that a failed role never lingers.
     */
    private static void exitProcess(int status) {
        Thread halt = new Thread(() -> {
            try {
                Thread.sleep(HALT_AFTER.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            Runtime.getRuntime().halt(status);
        }, "fatal-halt");
        halt.setDaemon(true);
        halt.start();
        Runtime.getRuntime().exit(status);
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
