package io.mockstagram.api;

import io.micrometer.core.instrument.Gauge;
import io.mockstagram.infra.OpsServer;
import io.mockstagram.infra.RoleContext;
import io.mockstagram.infra.RunningRole;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;

/** The mock Instagram API: a table of live counts behind the contract's HTTP endpoints. */
public final class MockApi implements RunningRole {

    private static final Logger log = LoggerFactory.getLogger(MockApi.class);
    private static final int SHARED_RANDOM_PORT = -1;

    private final RoleContext context;
    private final int port;

    private MockApi(RoleContext context, int port) {
        this.context = context;
        this.port = port;
    }

    public static MockApi start(ApiSettings settings) {
        return start(settings, new Noise(settings.seed()));
    }

    /** Starts with the given noise in place of seeded Gaussian draws, for the walk and the delays alike. */
    static MockApi start(ApiSettings settings, DoubleSupplier noise) {
        int eventLoops = Runtime.getRuntime().availableProcessors();
        RoleContext context = RoleContext.create("api", settings.instance(), eventLoops);
        try {
            long began = System.nanoTime();
            InfluencerTable table = InfluencerTable.seeded(settings.influencers(), settings.seed(), noise);
            Gauge.builder("mockstagram.api.influencers", table::size)
                    .description("Influencers served")
                    .register(context.registry());
            var routes = new ApiRoutes(context.vertx(), table, noise, new ApiMetrics(context.registry()), settings.faults(),
                    settings.recordServed() ? Optional.of(new ServedLog(InfluencerTable.FIRST_PK)) : Optional.empty());

            // Vert.x shares a port among servers only when it is named: a positive port, or a
            // negative one, which stands for one random port shared by all who ask for it.
            int listenPort = settings.httpPort() == 0 ? SHARED_RANDOM_PORT : settings.httpPort();
            AtomicReference<Router> router = new AtomicReference<>();
            OpsServer ops = context.serveHttp(listenPort, r -> {
                routes.mount(r);
                router.set(r);
            });
            // OpsServer answers on the event loop of the thread that started it. A server in each
            // further deployment instance gets a loop of its own, and Vert.x hands new connections
            // to the servers on a port in turn, so the API uses every core.
            if (eventLoops > 1) {
                String deployment = await(context.vertx().deployVerticle(
                        () -> instanceContext -> context.vertx().createHttpServer()
                                .requestHandler(router.get())
                                .listen(listenPort),
                        new DeploymentOptions().setInstances(eventLoops - 1)),
                        "open the API port on every event loop");
                context.own(() -> await(context.vertx().undeploy(deployment), "close the API port"));
            }
            log.atInfo().setMessage("mock API up")
                    .addKeyValue("port", ops.port())
                    .addKeyValue("influencers", settings.influencers())
                    .addKeyValue("pks", InfluencerTable.FIRST_PK + ".." + table.lastPk())
                    .addKeyValue("seed", settings.seed())
                    .addKeyValue("eventLoops", eventLoops)
                    .addKeyValue("startMs", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began))
                    .log();
            return new MockApi(context, ops.port());
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    public int httpPort() {
        return port;
    }

    @Override
    public void awaitStop() throws InterruptedException {
        context.awaitClosed();
    }

    @Override
    public void close() {
        context.close();
    }

    private static <T> T await(Future<T> future, String what) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while trying to " + what, e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot " + what + ": " + e.getMessage(), e);
        }
    }
}
