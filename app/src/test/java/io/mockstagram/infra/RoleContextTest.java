package io.mockstagram.infra;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class RoleContextTest {

    private final List<Integer> exits = new CopyOnWriteArrayList<>();
    private final RoleContext context = RoleContext.create("producer", "context-test", 1, exits::add);
    private final OpsServer http = context.serveHttp("127.0.0.1", 0, router -> { });
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterEach
    void close() {
        context.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aLoopThatThrowsIsCountedInMetricsAndGoesOn() throws Exception {
        LoopGuard guard = context.guard("scheduler");
        AtomicInteger passes = new AtomicInteger();

        guard.run(() -> {
            throw new IllegalStateException("injected");
        });
        guard.run(passes::incrementAndGet);

        assertThat(passes).hasValue(1);
        assertThat(get("/metrics").body())
                .containsPattern("mockstagram_loop_failures_total\\{[^}]*loop=\"scheduler\"[^}]*} 1\\.0");
        assertThat(get("/health/ready").statusCode()).isEqualTo(200);
        assertThat(exits).isEmpty();
    }

    @Test
    void anErrorInALoopMakesTheRoleUnreadyExitWithStatus70AndStopsTheLoop() throws Exception {
        LoopGuard guard = context.guard("scheduler");
        AtomicInteger passes = new AtomicInteger();

        guard.run(() -> {
            throw new StackOverflowError("injected");
        });
        guard.run(passes::incrementAndGet);

        await().atMost(Duration.ofSeconds(10)).until(() -> !exits.isEmpty());
        assertThat(exits).containsExactly(70);
        assertThat(passes).as("passes after the Error").hasValue(0);
        HttpResponse<String> ready = get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("\"running\":\"DOWN\"");
        assertThat(get("/metrics").body())
                .containsPattern("mockstagram_loop_failures_total\\{[^}]*loop=\"scheduler\"[^}]*} 1\\.0");
    }

    @Test
    void aRoleExitsOnceHoweverManyLoopsFail() {
        context.failFatally("first", new AssertionError("one"));
        context.failFatally("second", new AssertionError("two"));

        await().atMost(Duration.ofSeconds(10)).until(() -> !exits.isEmpty());
        assertThat(context.hasFailed()).isTrue();
        assertThat(exits).containsExactly(70);
    }
}
