package io.mockstagram.api;

import io.mockstagram.api.ApiMetrics.Endpoint;
import io.mockstagram.infra.HttpJson;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/** The mock Instagram endpoints: read an influencer, and ask (slowly) whether a reading looks bought. */
final class ApiRoutes {

    private static final Logger log = LoggerFactory.getLogger(ApiRoutes.class);

    static final String INFLUENCERS = "/api/v1/influencers/";
    static final String IS_SUSPICIOUS = INFLUENCERS + "is_suspicious";
    static final String SERVED = "/api/v1/served";

    private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
    private static final int MAX_BODY_BYTES = 4096;
    /** No pk in range has more characters, so anything longer is unknown without parsing it. */
    private static final int MAX_PK_CHARS = 10;

    private final Vertx vertx;
    private final InfluencerTable table;
    private final DoubleSupplier noise;
    private final ApiMetrics metrics;
    private final Faults faults;
    private final Optional<ServedLog> served;

    ApiRoutes(Vertx vertx, InfluencerTable table, DoubleSupplier noise, ApiMetrics metrics, Faults faults,
              Optional<ServedLog> served) {
        this.vertx = vertx;
        this.table = table;
        this.noise = noise;
        this.metrics = metrics;
        this.faults = faults;
        this.served = served;
    }

    void mount(Router router) {
        served.ifPresent(log -> router.get(SERVED).handler(ctx -> servedSince(ctx, log)));
        router.post(IS_SUSPICIOUS)
                .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
                .handler(this::isSuspicious)
                .failureHandler(ctx -> failed(ctx, Endpoint.IS_SUSPICIOUS));
        // A prefix route, not a path parameter: Vert.x matches parameters with a regular
        // expression, and this route takes nearly every request.
        router.get(INFLUENCERS + "*")
                .handler(this::influencer)
                .failureHandler(ctx -> failed(ctx, Endpoint.INFLUENCER));
    }

    private static void servedSince(RoutingContext ctx, ServedLog log) {
        long since;
        try {
            String text = ctx.queryParams().get("since");
            since = text == null || text.isBlank() ? 0 : Long.parseLong(text);
        } catch (NumberFormatException e) {
            HttpJson.error(ctx, 400, "since is epoch milliseconds");
            return;
        }
        HttpJson.send(ctx, 200, Map.of("unscheduled", log.unscheduled(), "served", log.since(since)));
    }

    /** 1000 + 1000·g milliseconds, never negative: most answers take about a second. */
    static long suspicionDelayMillis(double noise) {
        return Math.max(0, Math.round(1000 + 1000 * noise));
    }

    private void influencer(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        String pkText = path.length() > INFLUENCERS.length() ? path.substring(INFLUENCERS.length()) : "";
        if (!isInteger(pkText)) {
            error(ctx, Endpoint.INFLUENCER, 400, "pk must be an integer, not '" + abbreviated(pkText) + "'");
            return;
        }
        long pk = pkText.length() > MAX_PK_CHARS ? -1 : Long.parseLong(pkText);
        if (!table.contains(pk)) {
            error(ctx, Endpoint.INFLUENCER, 404, unknown(pkText));
            return;
        }
        switch (faults.fateOf(pk)) {
            case ANSWER -> answerReading(ctx, pk);
            case FAIL -> error(ctx, Endpoint.INFLUENCER, 503, "try again later (injected failure)");
            case BREAK -> error(ctx, Endpoint.INFLUENCER, 500, "influencer " + pk + " is broken (injected failure)");
            case DELAY -> vertx.setTimer(faults.slowDelay().toMillis(), timer -> {
                if (!ctx.response().closed()) {
                    answerReading(ctx, pk);
                }
            });
        }
    }

    private void answerReading(RoutingContext ctx, long pk) {
        json(ctx, ApiJson.reading(pk, table.read(pk)));
        served.ifPresent(log -> log.answered(pk, ctx.request().getHeader(ServedLog.HEADER)));
        metrics.answered(Endpoint.INFLUENCER, 200);
    }

    private void isSuspicious(RoutingContext ctx) {
        SuspicionQuery query;
        try {
            query = SuspicionQuery.parse(ctx.body().buffer());
        } catch (IllegalArgumentException e) {
            error(ctx, Endpoint.IS_SUSPICIOUS, 400, e.getMessage());
            return;
        }
        if (!table.contains(query.pk())) {
            error(ctx, Endpoint.IS_SUSPICIOUS, 404, unknown(Long.toString(query.pk())));
            return;
        }
        Buffer verdict = ApiJson.verdict(query.pk(), query.suspicious());
        long delay = suspicionDelayMillis(noise.getAsDouble());
        if (delay == 0) {
            answerVerdict(ctx, verdict);
        } else {
            vertx.setTimer(delay, timer -> answerVerdict(ctx, verdict));
        }
    }

    private void answerVerdict(RoutingContext ctx, Buffer verdict) {
        // The caller may have given up while the timer ran; there is nobody left to answer.
        if (ctx.response().closed()) {
            return;
        }
        json(ctx, verdict);
        metrics.answered(Endpoint.IS_SUSPICIOUS, 200);
    }

    private static void json(RoutingContext ctx, Buffer body) {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON).end(body);
    }

    private void error(RoutingContext ctx, Endpoint endpoint, int status, String message) {
        HttpJson.error(ctx, status, message);
        metrics.answered(endpoint, status);
    }

    /** Keeps every error JSON, including those Vert.x raises itself, such as a body over the limit. */
    private void failed(RoutingContext ctx, Endpoint endpoint) {
        if (ctx.response().ended()) {
            return;
        }
        int status = ctx.statusCode() >= 400 ? ctx.statusCode() : 500;
        if (status == 500) {
            log.atWarn().setMessage("request failed").addKeyValue("path", ctx.normalizedPath())
                    .setCause(ctx.failure()).log();
        }
        String message = switch (status) {
            case 413 -> "the body is larger than " + MAX_BODY_BYTES + " bytes";
            case 500 -> "internal error";
            default -> ctx.failure() == null ? "request failed" : ctx.failure().getMessage();
        };
        error(ctx, endpoint, status, message);
    }

    private String unknown(String pk) {
        return "no influencer " + abbreviated(pk) + " (pks run from " + InfluencerTable.FIRST_PK + " to " + table.lastPk() + ")";
    }

    /** An optional minus sign and at least one digit: text that names a number, in range or not. */
    private static boolean isInteger(String text) {
        int start = text.startsWith("-") ? 1 : 0;
        if (text.length() == start) {
            return false;
        }
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static String abbreviated(String text) {
        return text.length() <= 32 ? text : text.substring(0, 32) + "...";
    }
}
