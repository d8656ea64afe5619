package io.mockstagram.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The failures the mock API injects on request, so that clients can be tested against them. */
class FaultInjectionTest {

    private static MockApi start(Faults faults) {
        return MockApi.start(new ApiSettings(1000, 7, 0, "faults", faults));
    }

    @Test
    void aBrokenPkAlwaysFailsWithAJsonError() {
        try (MockApi api = start(new Faults(0, 0, Duration.ZERO, Set.of(1_000_005L)));
             ApiClient client = new ApiClient(api.httpPort())) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<Buffer> response = client.get("/api/v1/influencers/1000005");
                assertThat(response.statusCode()).isEqualTo(500);
                assertThat(ApiClient.json(response).getString("error")).contains("1000005");
            }
            assertThat(client.get("/api/v1/influencers/1000006").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aShareOfReadsFailsWith503() {
        try (MockApi api = start(new Faults(0.5, 0, Duration.ZERO, Set.of()));
             ApiClient client = new ApiClient(api.httpPort())) {
            long failed = IntStream.range(0, 200)
                    .map(i -> client.get("/api/v1/influencers/" + (1_000_000 + i)).statusCode())
                    .filter(status -> status == 503).count();
            assertThat(failed).isBetween(50L, 150L);
        }
    }

    @Test
    void faultSharesMustBeShares() {
        assertThatThrownBy(() -> Faults.parse(1.5, null, null, null)).hasMessageContaining("--fail-rate");
        assertThatThrownBy(() -> Faults.parse(null, null, null, "12,x")).hasMessageContaining("--broken-pks='12,x'");
    }
}
