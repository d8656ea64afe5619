package io.mockstagram.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mockstagram.pipeline.deadletters.DeadLetter;
import io.mockstagram.pipeline.deadletters.DeadLetterStore;
import io.mockstagram.pipeline.timeseries.ReadingsTable;
import io.mockstagram.pipeline.timeseries.SchemaMigrations;
import io.mockstagram.testing.SharedPostgres;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** GET /api/deadletters: what was given up on and why, newest first, paged by cursor. */
class DeadLetterRoutesTest {

    @RegisterExtension
    final SharedPostgres postgres = new SharedPostgres();

    private static final Instant TICK = Instant.parse("2026-12-01T10:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    private Vertx vertx;
    private DeadLetterStore store;
    private String base;

    @BeforeEach
    void serve() throws Exception {
        SchemaMigrations.migrate(postgres.databaseSettings(), ReadingsTable.of(postgres.namespace()));
        store = new DeadLetterStore(postgres.dataSource(), postgres.namespace());
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        new DeadLetterRoutes(store).mount(router);
        int port = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").toCompletionStage()
                .toCompletableFuture().get(30, TimeUnit.SECONDS).actualPort();
        base = "http://127.0.0.1:" + port;
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void lists_every_dead_letter_with_its_reason_page_by_page() throws Exception {
        for (int i = 0; i < 5; i++) {
            store.record(List.of(new DeadLetter(1_000_000 + i, TICK, DeadLetter.Stage.FETCH, "API said 500, try " + i, 4)));
        }

        List<String> reasons = new ArrayList<>();
        String path = "/api/deadletters?limit=2";
        int pages = 0;
        while (path != null) {
            HttpResponse<String> answer = get(path);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            JsonNode body = JSON.readTree(answer.body());
            body.path("deadLetters").forEach(dead -> {
                assertThat(dead.path("scheduledAt").asText()).isEqualTo(TICK.toString());
                assertThat(dead.path("stage").asText()).isEqualTo("FETCH");
                assertThat(dead.path("attempts").asInt()).isEqualTo(4);
                assertThat(dead.path("recordedAt").asText()).isNotEmpty();
                reasons.add(dead.path("pk").asInt() + " " + dead.path("reason").asText());
            });
            pages++;
            path = body.path("next").isNull() ? null : "/api/deadletters?limit=2&after=" + body.path("next").asText();
        }

        assertThat(pages).isEqualTo(3);
        assertThat(reasons).containsExactly("1000004 API said 500, try 4", "1000003 API said 500, try 3",
                "1000002 API said 500, try 2", "1000001 API said 500, try 1", "1000000 API said 500, try 0");
    }

    @Test
    void none_yet_is_an_empty_list_without_next() throws Exception {
        HttpResponse<String> answer = get("/api/deadletters");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(answer.body()).path("deadLetters").size()).isZero();
        assertThat(JSON.readTree(answer.body()).path("next").isNull()).isTrue();
    }

    @Test
    void bad_parameters_get_400_naming_the_parameter() throws Exception {
        for (String query : List.of("limit=0", "limit=-3", "limit=501", "limit=ten", "after=abc", "after=0", "after=-5",
                "limit=2&after=1.5")) {
            HttpResponse<String> answer = get("/api/deadletters?" + query);

            assertThat(answer.statusCode()).as(query).isEqualTo(400);
            JsonNode error = JSON.readTree(answer.body());
            assertThat(error.path("status").asInt()).isEqualTo(400);
            assertThat(error.path("error").asText()).as(query).containsAnyOf("limit", "after");
        }
    }
}
