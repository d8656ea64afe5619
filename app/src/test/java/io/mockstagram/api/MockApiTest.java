package io.mockstagram.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static io.mockstagram.api.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

/** The GET side of the mock API contract, against a server on a free port with seeded noise. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MockApiTest {

    private static final int INFLUENCERS = 1000;
    private static final long SEED = 20240601L;

    private MockApi api;
    private ApiClient client;

    @BeforeAll
    void start() {
        api = MockApi.start(new ApiSettings(INFLUENCERS, SEED, 0, "test", Faults.NONE));
        client = new ApiClient(api.httpPort());
    }

    @AfterAll
    void stop() {
        client.close();
        api.close();
    }

    @Test
    void anInfluencerIsAnsweredInExactlyTheContractShape() {
        HttpResponse<Buffer> response = client.get("/api/v1/influencers/1000001");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
        JsonObject body = json(response);
        assertThat(body.fieldNames()).containsExactlyInAnyOrder("pk", "username", "followerCount", "followingCount");
        assertThat(response.bodyAsString()).isEqualTo("{\"pk\":1000001,\"username\":\"influencer-1000001\",\"followerCount\":"
                + body.getInteger("followerCount") + ",\"followingCount\":" + body.getInteger("followingCount") + "}");
        assertThat(body.getInteger("followerCount")).isGreaterThanOrEqualTo(5000);
        assertThat(body.getInteger("followingCount")).isGreaterThanOrEqualTo(50);
    }

    @Test
    void everyReadMovesTheCounts() {
        Set<List<Integer>> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            JsonObject body = json(client.get("/api/v1/influencers/1000002"));
            seen.add(List.of(body.getInteger("followerCount"), body.getInteger("followingCount")));
        }

        assertThat(seen).hasSizeGreaterThan(10);
    }

    @Test
    void theFirstAndLastPksAreServed() {
        assertThat(client.get("/api/v1/influencers/1000000").statusCode()).isEqualTo(200);
        assertThat(json(client.get("/api/v1/influencers/1000999")).getLong("pk")).isEqualTo(1000999L);
    }

    @Test
    void twoServersWithTheSameSeedGiveTheSameFirstAnswer() {
        List<String> answers = IntStream.range(0, 2).mapToObj(i -> {
            try (MockApi fresh = MockApi.start(new ApiSettings(INFLUENCERS, 99, 0, "twin-" + i, Faults.NONE));
                 ApiClient freshClient = new ApiClient(fresh.httpPort())) {
                return freshClient.get("/api/v1/influencers/1000500").bodyAsString();
            }
        }).toList();

        assertThat(answers.get(0)).isEqualTo(answers.get(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "1000001x", "1.5", "1e6", "%20", "1000001/followers", ""})
    void aMalformedPkIsABadRequestWithAJsonError(String pk) {
        HttpResponse<Buffer> response = client.get("/api/v1/influencers/" + pk);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).getInteger("status")).isEqualTo(400);
        assertThat(json(response).getString("error")).contains("pk must be an integer");
    }

    @ParameterizedTest
    @ValueSource(strings = {"999999", "1001000", "0", "-1000001", "99999999999999999999999"})
    void aPkOutsideTheRangeIsNotFoundWithAJsonError(String pk) {
        HttpResponse<Buffer> response = client.get("/api/v1/influencers/" + pk);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response).getInteger("status")).isEqualTo(404);
        assertThat(json(response).getString("error")).contains("no influencer").contains("1000000 to 1000999");
    }

    @Test
    void healthAndMetricsAreServedAlongsideAndRequestsAreCounted() {
        client.get("/api/v1/influencers/1000003");
        client.get("/api/v1/influencers/nope");

        assertThat(client.get("/health/live").statusCode()).isEqualTo(200);
        assertThat(client.get("/health/ready").statusCode()).isEqualTo(200);
        String metrics = client.get("/metrics").bodyAsString();
        assertThat(metrics).containsPattern("mockstagram_api_requests_total\\{endpoint=\"influencer\",[^}]*status=\"200\"} [1-9]");
        assertThat(metrics).containsPattern("mockstagram_api_requests_total\\{endpoint=\"influencer\",[^}]*status=\"400\"} [1-9]");
        assertThat(metrics).contains("mockstagram_api_influencers");
    }

    @Test
    void anUnknownEndpointIsNotFoundWithAJsonError() {
        HttpResponse<Buffer> response = client.get("/api/v2/influencers/1000001");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response).getInteger("status")).isEqualTo(404);
    }
}
