package io.mockstagram.infra;

import io.vertx.ext.web.RoutingContext;

import java.util.LinkedHashMap;

/** Every HTTP answer is JSON, errors included: {@code {"error": "...", "status": 400}}. */
public final class HttpJson {

    private HttpJson() {
    }

    public static void send(RoutingContext ctx, int status, Object body) {
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(Json.write(body));
    }

    public static void error(RoutingContext ctx, int status, String message) {
        var body = new LinkedHashMap<String, Object>();
        body.put("error", message);
        body.put("status", status);
        send(ctx, status, body);
    }
}
