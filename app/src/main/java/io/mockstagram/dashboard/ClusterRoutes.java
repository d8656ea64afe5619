package io.mockstagram.dashboard;

import io.mockstagram.events.ClusterEvent;
import io.mockstagram.infra.HttpJson;
import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster and pipeline endpoints the pages use, and, when the dashboard runs inside a
 * local cluster, the controls: only from this machine, and absent otherwise.
 */
final class ClusterRoutes {

    private final ClusterView cluster;
    private final PipelineView pipeline;
    private final EventFeed events;
    private final LiveStream live;
    private final Optional<ClusterControl> control;

    ClusterRoutes(ClusterView cluster, PipelineView pipeline, EventFeed events, LiveStream live,
                  Optional<ClusterControl> control) {
        this.cluster = cluster;
        this.pipeline = pipeline;
        this.events = events;
        this.live = live;
        this.control = control;
    }

    void mount(Router router) {
        router.get("/api/cluster").handler(ctx -> answer(ctx, Future.fromCompletionStage(cluster.read())));
        router.get("/api/cluster/events").handler(ctx -> HttpJson.send(ctx, 200, new Events(events.recent())));
        router.get("/api/cluster/stream").handler(live::connect);
        router.get("/api/pipeline").handler(ctx -> answer(ctx, Future.fromCompletionStage(pipeline.read())));
        if (control.isPresent()) {
            ClusterControl local = control.get();
            router.post("/api/control/producers").handler(ctx -> act(ctx, () -> Map.of("name", local.addProducer())));
            router.post("/api/control/producers/:name/stop").handler(ctx -> act(ctx, () -> {
                local.stopProducer(ctx.pathParam("name"));
                return Map.of("stopped", ctx.pathParam("name"));
            }));
            router.post("/api/control/producers/:name/kill").handler(ctx -> act(ctx, () -> {
                local.killProducer(ctx.pathParam("name"));
                return Map.of("killed", ctx.pathParam("name"));
            }));
        }
    }

    private static void answer(RoutingContext ctx, Future<?> result) {
        result.onComplete(outcome -> {
            if (outcome.failed()) {
                HttpJson.error(ctx, 503, "cannot read Redis: " + outcome.cause().getMessage());
            } else {
                HttpJson.send(ctx, 200, outcome.result());
            }
        });
    }

    /** A typed list, so that each event keeps its "type" in the JSON (a map would erase it). */
    record Events(List<ClusterEvent> events) {
    }

    private interface Action {
        Object run();
    }

    /** Runs a control off the event loop: starting or stopping a process takes a moment. */
    private static void act(RoutingContext ctx, Action action) {
        if (!isLocal(ctx.request().remoteAddress())) {
            HttpJson.error(ctx, 403, "cluster controls answer only on this machine");
            return;
        }
        ctx.vertx().executeBlocking(action::run, false).onComplete(outcome -> {
            if (outcome.failed()) {
                Throwable cause = outcome.cause();
                HttpJson.error(ctx, cause instanceof IllegalArgumentException ? 404 : 500, cause.getMessage());
            } else {
                HttpJson.send(ctx, 200, outcome.result());
            }
        });
    }

    private static boolean isLocal(SocketAddress address) {
        if (address == null || address.hostAddress() == null) {
            return false;
        }
        try {
            return InetAddress.getByName(address.hostAddress()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
