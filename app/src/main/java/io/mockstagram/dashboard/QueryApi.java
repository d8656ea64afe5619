package io.mockstagram.dashboard;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.mockstagram.infra.HttpJson;
import io.mockstagram.pipeline.latest.InfluencerLatest;
import io.mockstagram.pipeline.latest.LatestReadings;
import io.mockstagram.pipeline.timeseries.Reading;
import io.mockstagram.pipeline.timeseries.TimeSeriesStore;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The query API. Latest values, rank and averages come from Redis in O(log N); a timeline
 * reads one influencer's rows from PostgreSQL through its primary key. No query touches
 * every influencer.
 */
final class QueryApi {

    /** The body of {@code GET /api/influencers/{pk}}. */
    record InfluencerAnswer(int pk, int followerCount, int followingCount, double followerRatio, long rank,
                            double averageFollowerCount, Boolean suspicious, Instant fetchedAt, long tick) {

        static InfluencerAnswer of(InfluencerLatest latest) {
            return new InfluencerAnswer(latest.pk(), latest.followerCount(), latest.followingCount(),
                    latest.followerRatio(), latest.rank(), latest.averageFollowerCount(), latest.suspicious(),
                    latest.fetchedAt(), latest.tick());
        }
    }

    /** One point of a timeline. */
    record Point(Instant scheduledAt, Instant fetchedAt, int followerCount, int followingCount, double followerRatio) {

        static Point of(Reading reading) {
            return new Point(reading.scheduledAt(), reading.fetchedAt(), reading.followerCount(), reading.followingCount(),
                    reading.followingCount() == 0 ? 0 : (double) reading.followerCount() / reading.followingCount());
        }
    }

    record Timeline(int pk, Instant from, Instant to, int count, boolean truncated, List<Point> readings) {
    }

    record Stats(long influencersTracked, double averageFollowerCount) {
    }

    static final Duration DEFAULT_TIMELINE_SPAN = Duration.ofHours(1);

    private final Vertx vertx;
    private final LatestReadings latest;
    private final TimeSeriesStore timeSeries;
    private final MeterRegistry registry;

    QueryApi(Vertx vertx, LatestReadings latest, TimeSeriesStore timeSeries, MeterRegistry registry) {
        this.vertx = vertx;
        this.latest = latest;
        this.timeSeries = timeSeries;
        this.registry = registry;
    }

    void mount(Router router) {
        router.get("/api/influencers/:pk/timeline").handler(timed("timeline", this::timeline));
        router.get("/api/influencers/:pk").handler(timed("influencer", this::influencer));
        router.get("/api/stats").handler(timed("stats", this::stats));
    }

    private Handler<RoutingContext> timed(String endpoint, Handler<RoutingContext> handler) {
        Timer timer = Timer.builder("mockstagram.query").tag("endpoint", endpoint).publishPercentileHistogram()
                .register(registry);
        return ctx -> {
            long started = System.nanoTime();
            ctx.addBodyEndHandler(ignored -> timer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS));
            handler.handle(ctx);
        };
    }

    private void influencer(RoutingContext ctx) {
        Integer pk = pk(ctx);
        if (pk == null) {
            return;
        }
        Future.fromCompletionStage(latest.influencer(pk), ctx.vertx().getOrCreateContext()).onComplete(outcome -> {
            if (outcome.failed()) {
                HttpJson.error(ctx, 503, "cannot read Redis: " + outcome.cause().getMessage());
            } else if (outcome.result().isEmpty()) {
                HttpJson.error(ctx, 404, "no readings for influencer " + pk + " yet");
            } else {
                HttpJson.send(ctx, 200, InfluencerAnswer.of(outcome.result().get()));
            }
        });
    }

    private void timeline(RoutingContext ctx) {
        Integer pk = pk(ctx);
        if (pk == null) {
            return;
        }
        Instant to;
        Instant from;
        try {
            to = instant(ctx.queryParams().get("to"), Instant.now());
            from = instant(ctx.queryParams().get("from"), to.minus(DEFAULT_TIMELINE_SPAN));
        } catch (DateTimeParseException | NumberFormatException e) {
            HttpJson.error(ctx, 400, "from and to are ISO-8601 instants (2026-11-27T10:00:00Z) or epoch milliseconds");
            return;
        }
        if (from.isAfter(to)) {
            HttpJson.error(ctx, 400, "from (" + from + ") is after to (" + to + ")");
            return;
        }
        Instant start = from;
        Instant end = to;
        vertx.executeBlocking(() -> timeSeries.timeline(pk, start, end), false).onComplete(outcome -> {
            if (outcome.failed()) {
                HttpJson.error(ctx, 503, "cannot read PostgreSQL: " + outcome.cause().getMessage());
                return;
            }
            List<Point> points = outcome.result().stream().map(Point::of).toList();
            HttpJson.send(ctx, 200, new Timeline(pk, start, end, points.size(),
                    points.size() >= TimeSeriesStore.TIMELINE_LIMIT, points));
        });
    }

    private void stats(RoutingContext ctx) {
        Future.fromCompletionStage(latest.stats(), ctx.vertx().getOrCreateContext()).onComplete(outcome -> {
            if (outcome.failed()) {
                HttpJson.error(ctx, 503, "cannot read Redis: " + outcome.cause().getMessage());
            } else {
                HttpJson.send(ctx, 200, new Stats(outcome.result().influencersTracked(),
                        outcome.result().averageFollowerCount()));
            }
        });
    }

    /** The pk in the path, or null after answering 400. */
    private static Integer pk(RoutingContext ctx) {
        String text = ctx.pathParam("pk");
        try {
            int pk = Integer.parseInt(text);
            if (pk >= 0) {
                return pk;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        HttpJson.error(ctx, 400, "pk must be a non-negative whole number, not '"
                + (text.length() > 32 ? text.substring(0, 32) + "..." : text) + "'");
        return null;
    }

    private static Instant instant(String text, Instant fallback) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        return text.chars().allMatch(Character::isDigit) ? Instant.ofEpochMilli(Long.parseLong(text)) : Instant.parse(text);
    }
}
