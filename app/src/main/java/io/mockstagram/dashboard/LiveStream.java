package io.mockstagram.dashboard;

import io.mockstagram.events.ClusterEvent;
import io.mockstagram.infra.Json;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Server-sent events for the pages: {@code cluster} every second, {@code pipeline} every two,
 * and each {@code event} as it happens, so that the views update without reloading.
 * All connections are handled on one event loop, so the set of them needs no lock.
 */
final class LiveStream {

    private final Context loop;
    private final ClusterView cluster;
    private final PipelineView pipeline;
    private final EventFeed events;
    private final Set<HttpServerResponse> clients = new LinkedHashSet<>();
    private String lastCluster = "";

    LiveStream(Vertx vertx, ClusterView cluster, PipelineView pipeline, EventFeed events) {
        this.loop = vertx.getOrCreateContext();
        this.cluster = cluster;
        this.pipeline = pipeline;
        this.events = events;
        loop.runOnContext(ignored -> {
            vertx.setPeriodic(1000, id -> pushCluster(false));
            vertx.setPeriodic(2000, id -> pushPipeline());
        });
        events.addListener(event -> loop.runOnContext(ignored -> broadcast("event", Json.write(event))));
    }

    /** Pushes the cluster now rather than at the next tick of the periodic push. */
    void membershipChanged() {
        loop.runOnContext(ignored -> pushCluster(false));
    }

    void connect(RoutingContext ctx) {
        HttpServerResponse response = ctx.response()
                .setChunked(true)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        response.write("retry: 2000\n\n");
        loop.runOnContext(ignored -> {
            clients.add(response);
            response.closeHandler(closed -> loop.runOnContext(again -> clients.remove(response)));
            for (ClusterEvent event : events.recent()) {
                send(response, "event", Json.write(event));
            }
            pushCluster(true);
            pushPipeline();
        });
    }

    private void pushCluster(boolean evenIfUnchanged) {
        if (clients.isEmpty()) {
            return;
        }
        cluster.read().whenComplete((state, failure) -> loop.runOnContext(ignored -> {
            if (failure == null) {
                String json = Json.write(state);
                // Lease ages change every second, so this rarely skips; it spares idle pages nothing else.
                if (evenIfUnchanged || !json.equals(lastCluster)) {
                    lastCluster = json;
                    broadcast("cluster", json);
                }
            }
        }));
    }

    private void pushPipeline() {
        if (clients.isEmpty()) {
            return;
        }
        pipeline.read().whenComplete((state, failure) -> loop.runOnContext(ignored -> {
            if (failure == null) {
                broadcast("pipeline", Json.write(state));
            }
        }));
    }

    private void broadcast(String type, String json) {
        for (HttpServerResponse client : Set.copyOf(clients)) {
            send(client, type, json);
        }
    }

    private void send(HttpServerResponse client, String type, String json) {
        if (client.closed()) {
            clients.remove(client);
            return;
        }
        client.write("event: " + type + "\ndata: " + json + "\n\n");
    }
}
