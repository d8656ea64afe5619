package io.mockstagram.dashboard;

import io.mockstagram.events.ClusterEvents;
import io.mockstagram.infra.NatsLink;
import io.mockstagram.infra.OpsServer;
import io.mockstagram.infra.RoleContext;
import io.mockstagram.infra.RunningRole;
import io.mockstagram.membership.ChangeWatcher;
import io.mockstagram.pipeline.deadletters.DeadLetterStore;
import io.mockstagram.pipeline.latest.LatestReadings;
import io.mockstagram.pipeline.stats.PipelineStats;
import io.mockstagram.pipeline.timeseries.TimeSeries;
import io.mockstagram.pipeline.timeseries.TimeSeriesSettings;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The dashboard: the web pages (cluster, influencer and pipeline views, updated live over
 * server-sent events) and the query API, over Redis, PostgreSQL and the events stream.
 */
public final class Dashboard implements RunningRole {

    /** Generous: loading the scripts at start-up on a busy machine must not fail the start. */
    private static final Duration REDIS_COMMAND_TIMEOUT = Duration.ofSeconds(5);

    private final RoleContext context;
    private final OpsServer http;

    private Dashboard(RoleContext context, OpsServer http) {
        this.context = context;
        this.http = http;
    }

    public static Dashboard start(DashboardSettings settings, Optional<ClusterControl> control) {
        RoleContext context = RoleContext.create("dashboard", "dashboard-" + ProcessHandle.current().pid(), 1);
        try {
            var cluster = settings.cluster();
            var namespace = cluster.namespace();
            var redis = context.connectRedis(cluster.redis(), REDIS_COMMAND_TIMEOUT, cluster.startupTimeout(), true);
            NatsLink nats = context.connectNats(cluster.nats(), false);
            var latest = new LatestReadings(redis.connection().async(), namespace);
            latest.preload().toCompletableFuture().join();
            TimeSeries timeSeries = context.own(TimeSeries.open(settings.database(), namespace,
                    TimeSeriesSettings.defaults(), cluster.startupTimeout(), context.registry()));

            var schedule = settings.schedule();
            var clusterView = new ClusterView(redis.connection().async(), namespace, settings.lease(),
                    settings.partitioner(), schedule.range(), schedule.interval(), control.isPresent());
            var pipelineView = new PipelineView(new PipelineStats(redis.connection().async(), namespace),
                    schedule.range(), schedule.interval());
            var events = new EventFeed(new ClusterEvents(nats, namespace));
            var live = new LiveStream(context.vertx(), clusterView, pipelineView, events);
            // Pages hear of a renumbering the moment Redis makes it, not at the next periodic push.
            context.own(new ChangeWatcher(redis.connectPubSub(), namespace.membershipKeys()))
                    .addListener(notice -> live.membershipChanged());
            var clusterRoutes = new ClusterRoutes(clusterView, pipelineView, events, live);
            var queries = new QueryApi(context.vertx(), settings.schedule().range(), latest, timeSeries.store(), context.registry());
            var deadLetters = new DeadLetterRoutes(new DeadLetterStore(timeSeries.dataSource(), namespace));
            // Known once the server listens (--http-port 0 picks one); until then the guard refuses all.
            var port = new AtomicInteger();
            var controls = control.map(local -> new ControlRoutes(local, ControlGuard.withRandomToken(port::get)));

            OpsServer http = context.serveHttp(settings.host(), settings.httpPort(), router -> {
                queries.mount(router);
                clusterRoutes.mount(router);
                deadLetters.mount(router);
                controls.ifPresent(routes -> routes.mount(router));
                mountPages(router);
            });
            port.set(http.port());
            return new Dashboard(context, http);
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    /** The pages and their assets, all served from the jar: nothing is fetched from the internet. */
    private static void mountPages(Router router) {
        router.route("/webjars/*").method(HttpMethod.GET).method(HttpMethod.HEAD)
                .handler(StaticHandler.create("META-INF/resources/webjars").setCachingEnabled(true));
        router.route("/*").method(HttpMethod.GET).method(HttpMethod.HEAD)
                .handler(StaticHandler.create("dashboard").setIndexPage("index.html").setCachingEnabled(false));
    }

    public int httpPort() {
        return http.port();
    }

    @Override
    public void awaitStop() throws InterruptedException {
        context.awaitClosed();
    }

    @Override
    public void close() {
        context.close();
    }
}
