package io.mockstagram.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.mockstagram.infra.Json;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code api --record-served}: what was answered for which X-Scheduled-At, at GET /api/v1/served. */
class ServedEndpointTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void servesThePksAnsweredPerScheduledTime() throws Exception {
        try (MockApi api = MockApi.start(new ApiSettings(100, 1, 0, "served", Faults.NONE, true))) {
            read(api, 1_000_003, "60000");
            read(api, 1_000_004, "60000");
            read(api, 1_000_009, "65000");
            read(api, 1_000_010, null);

            JsonNode served = Json.mapper().readTree(get(api, "/api/v1/served?since=0").body());

            assertThat(served.path("unscheduled").asLong()).isEqualTo(1);
            assertThat(served.path("served").toString()).isEqualTo(
                    "[{\"scheduledAtMs\":60000,\"count\":2,\"duplicates\":0,\"ranges\":[[1000003,1000004]]},"
                            + "{\"scheduledAtMs\":65000,\"count\":1,\"duplicates\":0,\"ranges\":[[1000009,1000009]]}]");
            assertThat(Json.mapper().readTree(get(api, "/api/v1/served?since=61000").body()).path("served").size())
                    .isEqualTo(1);
        }
    }

    @Test
    void withoutTheOptionNothingIsRecordedOrServed() throws Exception {
        try (MockApi api = MockApi.start(new ApiSettings(100, 1, 0, "plain", Faults.NONE))) {
            read(api, 1_000_003, "60000");

            assertThat(get(api, "/api/v1/served").statusCode()).isEqualTo(404);
        }
    }

    private void read(MockApi api, int pk, String scheduledAt) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.httpPort() + "/api/v1/influencers/" + pk));
        if (scheduledAt != null) {
            request.header("X-Scheduled-At", scheduledAt);
        }
        assertThat(http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> get(MockApi api, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
