package io.mockstagram.dashboard;

import io.mockstagram.infra.HttpJson;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;

/**
 * The controls of a local cluster (add, stop, kill a producer), for the dashboard's own page
 * only; see {@link ControlGuard}. {@code GET /api/control} gives the page this run's token.
 */
final class ControlRoutes {

    private final ClusterControl control;
    private final ControlGuard guard;

    ControlRoutes(ClusterControl control, ControlGuard guard) {
        this.control = control;
        this.guard = guard;
    }

    void mount(Router router) {
        router.get("/api/control").handler(ctx -> guard.refusePage(ctx.request()).ifPresentOrElse(
                why -> HttpJson.error(ctx, 403, why),
                () -> {
                    // Never cached, never shared: it is what proves a request came from this page.
                    ctx.response().putHeader("Cache-Control", "no-store");
                    HttpJson.send(ctx, 200, Map.of("token", guard.token(), "header", ControlGuard.TOKEN_HEADER));
                }));
        router.post("/api/control/producers").handler(ctx -> act(ctx, () -> Map.of("name", control.addProducer())));
        router.post("/api/control/producers/:name/stop").handler(ctx -> act(ctx, () -> {
            control.stopProducer(ctx.pathParam("name"));
            return Map.of("stopped", ctx.pathParam("name"));
        }));
        router.post("/api/control/producers/:name/kill").handler(ctx -> act(ctx, () -> {
            control.killProducer(ctx.pathParam("name"));
            return Map.of("killed", ctx.pathParam("name"));
        }));
    }

    private interface Action {
        Object run();
    }

    /** Runs a control off the event loop, once the guard lets it: starting or stopping a process takes a moment. */
    private void act(RoutingContext ctx, Action action) {
        var refused = guard.refuseAction(ctx.request());
        if (refused.isPresent()) {
            HttpJson.error(ctx, 403, refused.get());
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
}
