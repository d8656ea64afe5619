package io.mockstagram.dashboard;

import io.micrometer.core.instrument.Gauge;
import io.mockstagram.infra.OpsServer;
import io.mockstagram.infra.RedisConnector;
import io.mockstagram.infra.RoleContext;
import io.mockstagram.pipeline.latest.LatestReadings;
import io.mockstagram.pipeline.timeseries.TimeSeries;
import io.mockstagram.pipeline.timeseries.TimeSeriesSettings;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/** The dashboard role: the query API over Redis and PostgreSQL. */
public final class Dashboard implements AutoCloseable {

    private static final Duration REDIS_COMMAND_TIMEOUT = Duration.ofSeconds(2);

    private final RoleContext context;
    private final OpsServer http;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Dashboard(RoleContext context, OpsServer http) {
        this.context = context;
        this.http = http;
    }

    public static Dashboard start(DashboardSettings settings) {
        RoleContext context = RoleContext.create("dashboard", "dashboard-" + ProcessHandle.current().pid(), 1);
        try {
            var cluster = settings.cluster();
            var redis = context.own(RedisConnector.connect(cluster.redis(), "dashboard", REDIS_COMMAND_TIMEOUT,
                    cluster.startupTimeout(), context.registry()));
            var latest = new LatestReadings(redis.connection().async(), cluster.namespace());
            latest.preload().toCompletableFuture().join();
            TimeSeries timeSeries = context.own(TimeSeries.open(settings.database(), cluster.namespace(),
                    TimeSeriesSettings.defaults(), cluster.startupTimeout(), context.registry()));
            var api = new QueryApi(context.vertx(), latest, timeSeries.store(), context.registry());
            Gauge.builder("mockstagram.redis.connected", () -> redis.isConnected() ? 1 : 0).register(context.registry());
            context.readiness().require("redis", redis::isConnected);
            OpsServer http = context.own(OpsServer.start(context.vertx(), "dashboard", settings.httpPort(),
                    context.registry(), context.readiness(), api::mount));
            return new Dashboard(context, http);
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    public int httpPort() {
        return http.port();
    }

    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        if (stopped.getCount() == 0) {
            return;
        }
        context.close();
        stopped.countDown();
    }
}
