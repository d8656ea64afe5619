package io.mockstagram.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.mockstagram.api.ApiClient.json;
import static io.mockstagram.api.ApiRoutes.IS_SUSPICIOUS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code POST /api/v1/influencers/is_suspicious}. The server's noise is fixed at zero, so that
 * every verdict takes exactly the contract's mean delay of one second.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SuspicionCheckTest {

    private static final Duration MEAN_DELAY = Duration.ofSeconds(1);

    private MockApi api;
    private ApiClient client;

    @BeforeAll
    void start() {
        api = MockApi.start(new ApiSettings(1000, 1, 0, "test", Faults.NONE), () -> 0.0);
        client = new ApiClient(api.httpPort());
    }

    @AfterAll
    void stop() {
        client.close();
        api.close();
    }

    private static String reading(long pk, long followers, long following) {
        return "{\"pk\":" + pk + ",\"username\":\"influencer-" + pk + "\",\"followerCount\":" + followers
                + ",\"followingCount\":" + following + "}";
    }

    @ParameterizedTest(name = "{0} followers, {1} following: suspicious={2}")
    @CsvSource({"564, 100, true", "565, 100, false", "5000, 2000, true", "57166, 1328, false", "0, 0, false", "10, 0, false"})
    void aReadingIsSuspiciousWhenItHasAtMost5Point64FollowersPerFollowing(long followers, long following, boolean suspicious) {
        HttpResponse<Buffer> response = client.post(IS_SUSPICIOUS, reading(1000001, followers, following));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
        assertThat(response.bodyAsString()).isEqualTo("{\"pk\":1000001,\"suspicious\":" + suspicious + "}");
    }

    @Test
    void theVerdictTakesAboutASecondAndSlowVerdictsDoNotQueueBehindEachOther() {
        int requests = 20;
        long began = System.nanoTime();
        List<CompletableFuture<Long>> elapsedMillis = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            elapsedMillis.add(client.postAsync(IS_SUSPICIOUS, reading(1000000 + i, 200_000, 1000))
                    .map(response -> {
                        assertThat(response.statusCode()).isEqualTo(200);
                        return Duration.ofNanos(System.nanoTime() - began).toMillis();
                    })
                    .toCompletionStage().toCompletableFuture());
        }

        // One after another they would take 20 s.
        await().atMost(MEAN_DELAY.multipliedBy(3))
                .until(() -> elapsedMillis.stream().allMatch(CompletableFuture::isDone));
        assertThat(elapsedMillis).allSatisfy(elapsed -> assertThat(elapsed.join()).isGreaterThanOrEqualTo(MEAN_DELAY.toMillis()));
        // The GET side is not held up while verdicts wait.
        assertThat(client.get("/api/v1/influencers/1000001").statusCode()).isEqualTo(200);
    }

    @Test
    void theDelayIsOneSecondPlusOneSecondPerSigmaButNeverNegative() {
        assertThat(ApiRoutes.suspicionDelayMillis(0)).isEqualTo(1000);
        assertThat(ApiRoutes.suspicionDelayMillis(1)).isEqualTo(2000);
        assertThat(ApiRoutes.suspicionDelayMillis(-0.25)).isEqualTo(750);
        assertThat(ApiRoutes.suspicionDelayMillis(-1)).isZero();
        assertThat(ApiRoutes.suspicionDelayMillis(-3)).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "not json",
            "{\"pk\":1000001,\"followerCount\":10",
            "[1000001, 10, 2]",
            "{\"pk\":1000001,\"followerCount\":10}",
            "{\"followerCount\":10,\"followingCount\":2}",
            "{\"pk\":1000001,\"followerCount\":\"10\",\"followingCount\":2}",
            "{\"pk\":1000001,\"followerCount\":10.5,\"followingCount\":2}",
            "{\"pk\":1000001,\"followerCount\":-10,\"followingCount\":2}",
            "{\"pk\":null,\"followerCount\":10,\"followingCount\":2}",
            ""})
    void aBodyThatIsNotAReadingIsABadRequestAnsweredAtOnce(String body) {
        long began = System.nanoTime();
        HttpResponse<Buffer> response = client.post(IS_SUSPICIOUS, body);

        assertThat(response.statusCode()).isEqualTo(400);
        JsonObject error = json(response);
        assertThat(error.getInteger("status")).isEqualTo(400);
        assertThat(error.getString("error")).isNotBlank();
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(MEAN_DELAY);
    }

    @Test
    void anUnknownPkIsNotFound() {
        HttpResponse<Buffer> response = client.post(IS_SUSPICIOUS, reading(42, 1000, 10));

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response).getInteger("status")).isEqualTo(404);
    }

    @Test
    void anOversizedBodyIsRefusedWithAJsonError() {
        HttpResponse<Buffer> response = client.post(IS_SUSPICIOUS, "{\"pad\":\"" + "x".repeat(10_000) + "\"}");

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(json(response).getInteger("status")).isEqualTo(413);
    }
}
