package io.mockstagram.dashboard;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mockstagram.infra.Json;
import io.mockstagram.pipeline.PkRange;
import io.mockstagram.pipeline.latest.LatestReadings;
import io.mockstagram.pipeline.latest.ViewRebuilder;
import io.mockstagram.pipeline.timeseries.AggregateRows;
import io.mockstagram.pipeline.timeseries.TimeSeries;
import io.mockstagram.pipeline.timeseries.TimeSeriesSettings;
import io.mockstagram.testing.SharedPostgres;
import io.mockstagram.testing.SharedRedis;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The query API's answers to bad input and while the view is rebuilt, over real Redis and PostgreSQL. */
class QueryApiTest {

    private static final PkRange RANGE = new PkRange(1_000_000, 100);

    @RegisterExtension
    final SharedPostgres postgres = new SharedPostgres();
    @RegisterExtension
    final SharedRedis redis = new SharedRedis();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private Vertx vertx;
    private HttpServer server;
    private TimeSeries timeSeries;
    private LatestReadings view;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        timeSeries = TimeSeries.open(postgres.databaseSettings(), postgres.namespace(), TimeSeriesSettings.defaults(),
                Duration.ofSeconds(10), null);
        view = new LatestReadings(redis.redis().async(), redis.namespace());
        view.preload().toCompletableFuture().join();
        Router router = Router.router(vertx);
        new QueryApi(vertx, RANGE, view, timeSeries.store(), new SimpleMeterRegistry()).mount(router);
        server = vertx.createHttpServer().requestHandler(router).listen(0).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        timeSeries.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void buildTheView() throws Exception {
        new ViewRebuilder(view, timeSeries.store().aggregates(), Duration.ofSeconds(1), new SimpleMeterRegistry())
                .rebuildIfFree();
    }

    @ParameterizedTest
    @ValueSource(strings = {"from=yesterday", "to=yesterday", "from=", "to=", "from=-5", "from=1e9",
            "from=99999999999999999999", "to=9223372036854775807", "from=2026-13-01T00:00:00Z",
            "from=%2B10000-01-01T00:00:00Z", "to=-1000000000-01-01T00:00:00Z", "from=1969-12-31T23:59:59Z",
            "from=1700000000000&to=1600000000000", "from=2026-11-27T11:00:00Z&to=2026-11-27T10:00:00Z"})
    void everyBadTimelineRangeIsRefusedWithItsReason(String query) throws Exception {
        buildTheView();

        HttpResponse<String> response = get("/api/influencers/1000001/timeline?" + query);

        assertThat(response.statusCode()).as(query).isEqualTo(400);
        Map<?, ?> body = Json.read(response.body(), Map.class);
        assertThat(body.get("status")).isEqualTo(400);
        assertThat((String) body.get("error")).as("the reason").containsAnyOf("from", "to");
    }

    @Test
    void aGoodTimelineRangeIsAnswered() throws Exception {
        assertThat(get("/api/influencers/1000001/timeline?from=0&to=" + System.currentTimeMillis()).statusCode())
                .isEqualTo(200);
        assertThat(get("/api/influencers/1000001/timeline?from="
                + URLEncoder.encode("2026-11-27T10:00:00Z", StandardCharsets.UTF_8) + "&to=9999-12-31T23:59:59Z")
                .statusCode()).isEqualTo(200);
        assertThat(get("/api/influencers/1000001/timeline?to=1000").statusCode()).as("the default from stays in range")
                .isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"999999", "1000100", "0", "-1", "2147483648", "99999999999999"})
    void aPkOutsideTheRangeGetsTheSameAnswerOnEveryEndpoint(String pk) throws Exception {
        buildTheView();

        HttpResponse<String> latest = get("/api/influencers/" + pk);
        HttpResponse<String> timeline = get("/api/influencers/" + pk + "/timeline");

        assertThat(latest.statusCode()).isEqualTo(404);
        assertThat(timeline.statusCode()).isEqualTo(404);
        assertThat(timeline.body()).isEqualTo(latest.body()).contains("1000000").contains("1000099");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "1.5", "1e6"})
    void aPkThatIsNoNumberIs400OnEveryEndpoint(String pk) throws Exception {
        assertThat(get("/api/influencers/" + pk).statusCode()).isEqualTo(400);
        assertThat(get("/api/influencers/" + pk + "/timeline").statusCode()).isEqualTo(400);
    }

    @Test
    void whileTheViewIsNotBuiltItsAnswersSayRebuildingAndWhenToAskAgain() throws Exception {
        view.apply(0, 0, new AggregateRows(new int[] {1_000_001}, new long[] {1}, new long[] {5000}, new long[] {60_000},
                new int[] {5000}, new int[] {50}, new long[] {61_000})).toCompletableFuture().join();

        for (String path : new String[] {"/api/influencers/1000001", "/api/stats"}) {
            HttpResponse<String> response = get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).as(path).isPresent();
            Map<?, ?> body = Json.read(response.body(), Map.class);
            assertThat(body.get("error")).isEqualTo("rebuilding");
            assertThat(body.get("rebuilding")).isEqualTo(true);
        }
        assertThat(get("/api/influencers/1000001/timeline").statusCode()).as("the timeline reads PostgreSQL")
                .isEqualTo(200);

        buildTheView();
        assertThat(get("/api/stats").statusCode()).isEqualTo(200);
    }
}
