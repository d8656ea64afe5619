package io.mockstagram.pipeline.e2e;

import io.mockstagram.infra.Json;
import io.mockstagram.pipeline.latest.InfluencerLatest;
import io.mockstagram.pipeline.latest.LatestStats;
import io.mockstagram.testing.PipelineCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The whole chain on a small range: every pk gets a reading every interval, and what the
 * query side says agrees with a brute-force computation over the stored data.
 */
@Tag("e2e")
class PipelineEndToEndTest {

    private static final int INFLUENCERS = 2000;
    private static final Duration INTERVAL = Duration.ofSeconds(2);

    private final PipelineCluster cluster = new PipelineCluster(INFLUENCERS, INTERVAL);

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void everyPkIsPolledEveryIntervalAndTheQueriesAgreeWithTheStoredData() throws Exception {
        cluster.api();
        cluster.nurse();
        cluster.producer("p1");
        cluster.producer("p2");
        cluster.fetcher("f1");
        cluster.updater("u1");
        cluster.start("dashboard", "dashboard", PipelineCluster.JVM);
        Instant started = Instant.now();

        cluster.eventually(Duration.ofSeconds(90), "four full intervals stored",
                () -> cluster.completedTicks(started, Instant.now()).values().stream().filter(n -> n == INFLUENCERS).count() >= 4);
        String pk = "1000042";
        int before = timelineLength(pk);
        cluster.eventually(Duration.ofSeconds(10), "the timeline grows", () -> timelineLength(pk) > before);

        Instant stopping = Instant.now();
        cluster.role("p1").stop(10);
        cluster.role("p2").stop(10);
        cluster.eventually(Duration.ofSeconds(30), "the queues drain", cluster::drained);

        Map<Instant, Integer> ticks = cluster.completedTicks(started.plus(INTERVAL), stopping);
        assertThat(ticks).as("ticks while the producers ran").isNotEmpty();
        assertThat(ticks.values()).as("readings per tick").allMatch(n -> n == INFLUENCERS);

        Map<Integer, List<Integer>> history = cluster.followerHistory();
        assertThat(history).hasSize(INFLUENCERS);
        List<Integer> latest = history.values().stream().map(h -> h.get(h.size() - 1)).toList();
        for (int sample : List.of(1_000_000, 1_000_042, 1_000_777, 1_001_999)) {
            InfluencerLatest answer = Json.read(cluster.get("dashboard", "/api/influencers/" + sample).orElseThrow(),
                    InfluencerLatest.class);
            List<Integer> own = history.get(sample);
            int mine = own.get(own.size() - 1);
            assertThat(answer.followerCount()).as("latest of %d", sample).isEqualTo(mine);
            assertThat(answer.rank()).as("rank of %d", sample)
                    .isEqualTo(1 + latest.stream().filter(count -> count > mine).count());
            assertThat(answer.averageFollowerCount()).as("average of %d", sample)
                    .isCloseTo(own.stream().mapToInt(Integer::intValue).average().orElseThrow(), within(1e-6));
        }
        LatestStats stats = Json.read(cluster.get("dashboard", "/api/stats").orElseThrow(), LatestStats.class);
        assertThat(stats.influencersTracked()).isEqualTo(INFLUENCERS);
        assertThat(stats.averageFollowerCount())
                .isCloseTo(latest.stream().mapToInt(Integer::intValue).average().orElseThrow(), within(1e-6));
    }

    private int timelineLength(String pk) {
        return cluster.get("dashboard", "/api/influencers/" + pk + "/timeline")
                .map(body -> Json.read(body, Map.class).get("count")).map(n -> ((Number) n).intValue()).orElse(0);
    }
}
