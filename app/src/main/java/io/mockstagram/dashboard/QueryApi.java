package io.mockstagram.dashboard;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.mockstagram.infra.HttpJson;
import io.mockstagram.pipeline.latest.InfluencerLatest;
import io.mockstagram.pipeline.PkRange;
import io.mockstagram.pipeline.latest.LatestReadings;
import io.mockstagram.pipeline.latest.ViewRebuildingException;
import io.mockstagram.pipeline.timeseries.Reading;
import io.mockstagram.pipeline.timeseries.TimeSeriesStore;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.time.Instant;
import java.time.DateTimeException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * The query API. Latest values, rank and averages come from the Redis view in O(log N), and
 * answer 503 "rebuilding" while the view is being rebuilt; a timeline reads one influencer's
 * rows from PostgreSQL through its primary key. No query touches every influencer.
 */
final class QueryApi {

    /** The body of {@code GET /api/influencers/{pk}}. */
    record InfluencerAnswer(int pk, int followerCount, int followingCount, double followerRatio, long rank,
                            double averageFollowerCount, long readings, Boolean suspicious, Instant fetchedAt,
                            Instant scheduledAt) {

        static InfluencerAnswer of(InfluencerLatest latest) {
            return new InfluencerAnswer(latest.pk(), latest.followerCount(), latest.followingCount(),
                    latest.followerRatio(), latest.rank(), latest.averageFollowerCount(), latest.readings(),
                    latest.suspicious(), latest.fetchedAt(), latest.scheduledAt());
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
    /** Instants a timeline may ask for: no reading is older than the Unix epoch, and PostgreSQL and ISO-8601 both hold year 9999. */
    static final Instant EARLIEST = Instant.EPOCH;
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");
    /** How long a client should wait before asking again while the view is rebuilt (a million rows take well under a minute). */
    static final int RETRY_AFTER_SECONDS = 5;

    private final Vertx vertx;
    private final PkRange range;
    private final LatestReadings latest;
    private final TimeSeriesStore timeSeries;
    private final MeterRegistry registry;

    QueryApi(Vertx vertx, PkRange range, LatestReadings latest, TimeSeriesStore timeSeries, MeterRegistry registry) {
        this.vertx = vertx;
        this.range = range;
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
                unavailable(ctx, outcome.cause());
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
        Instant to = instant(ctx, "to", Instant.now());
        if (to == null) {
            return;
        }
        Instant from = instant(ctx, "from", latest(EARLIEST, to.minus(DEFAULT_TIMELINE_SPAN)));
        if (from == null) {
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
                unavailable(ctx, outcome.cause());
            } else {
                HttpJson.send(ctx, 200, new Stats(outcome.result().influencersTracked(),
                        outcome.result().averageFollowerCount()));
            }
        });
    }

    /**
     * 503 with Retry-After: Redis cannot be read, or the view is being rebuilt and may be
     * partial, so that no client takes a partial average or rank for a true one.
     */
    private static void unavailable(RoutingContext ctx, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        ctx.response().putHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        if (cause instanceof ViewRebuildingException) {
            var body = new LinkedHashMap<String, Object>();
            body.put("error", "rebuilding");
            body.put("status", 503);
            body.put("rebuilding", true);
            body.put("detail", cause.getMessage() + "; ask again in " + RETRY_AFTER_SECONDS + " s");
            HttpJson.send(ctx, 503, body);
        } else {
            HttpJson.error(ctx, 503, "cannot read Redis: " + cause.getMessage());
        }
    }

    /**
     * The pk in the path, or null after answering: 400 when it is not a whole number, 404 when
     * it is outside the configured range (the same on every endpoint: no such influencer).
     */
    private Integer pk(RoutingContext ctx) {
        String text = ctx.pathParam("pk");
        long pk;
        try {
            pk = Long.parseLong(text);
        } catch (NumberFormatException e) {
            HttpJson.error(ctx, 400, "pk must be a whole number, not '" + shorten(text) + "'");
            return null;
        }
        if (!range.contains(pk)) {
            HttpJson.error(ctx, 404, "no influencer " + pk + ": pks run from " + range.first() + " to " + range.last());
            return null;
        }
        return (int) pk;
    }

    /** The instant in query parameter {@code name}, {@code fallback} when absent, or null after answering 400. */
    private static Instant instant(RoutingContext ctx, String name, Instant fallback) {
        String text = ctx.queryParams().get(name);
        if (text == null) {
            return fallback;
        }
        Instant instant;
        try {
            instant = !text.isEmpty() && text.chars().allMatch(Character::isDigit)
                    ? Instant.ofEpochMilli(Long.parseLong(text)) : Instant.parse(text);
        } catch (DateTimeException | NumberFormatException e) {
            HttpJson.error(ctx, 400, name + " must be an ISO-8601 instant (2026-11-27T10:00:00Z) or epoch milliseconds, not '"
                    + shorten(text) + "'");
            return null;
        }
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            HttpJson.error(ctx, 400, name + " (" + text + ") must lie between " + EARLIEST + " and " + LATEST);
            return null;
        }
        return instant;
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static String shorten(String text) {
        return text.length() > 32 ? text.substring(0, 32) + "..." : text;
    }
}
