package io.mockstagram.dashboard;

import io.mockstagram.events.ClusterEvent;
import io.mockstagram.infra.HttpJson;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/** The cluster and pipeline endpoints the pages use. */
final class ClusterRoutes {

    private final ClusterView cluster;
    private final PipelineView pipeline;
    private final EventFeed events;
    private final LiveStream live;

    ClusterRoutes(ClusterView cluster, PipelineView pipeline, EventFeed events, LiveStream live) {
        this.cluster = cluster;
        this.pipeline = pipeline;
        this.events = events;
        this.live = live;
    }

    void mount(Router router) {
        router.get("/api/cluster").handler(ctx -> answer(ctx, Future.fromCompletionStage(cluster.read())));
        router.get("/api/cluster/events").handler(ctx -> HttpJson.send(ctx, 200, new Events(events.recent())));
        router.get("/api/cluster/stream").handler(live::connect);
        router.get("/api/pipeline").handler(ctx -> answer(ctx, Future.fromCompletionStage(pipeline.read())));
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
}
