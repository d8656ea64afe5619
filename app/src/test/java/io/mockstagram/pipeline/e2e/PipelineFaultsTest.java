package io.mockstagram.pipeline.e2e;

import io.mockstagram.pipeline.latest.InfluencerLatest;
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

/** The pipeline under faults: crashed workers, producers coming and going, an API that errs. */
@Tag("chaos")
class PipelineFaultsTest {

    private static final int INFLUENCERS = 2000;
    private static final Duration INTERVAL = Duration.ofSeconds(3);

    private final PipelineCluster cluster = new PipelineCluster(INFLUENCERS, INTERVAL);

    @AfterEach
    void stop() {
        cluster.close();
    }

    private void fullTicks(Instant since, int count) {
        cluster.eventually(Duration.ofSeconds(90), count + " more full intervals stored",
                () -> cluster.completedTicks(since, Instant.now()).values().stream()
                        .filter(n -> n >= INFLUENCERS - 1).count() >= count);
    }

    @Test
    void afterKillMinusNineOfAFetcherAndAnUpdaterNoReadingIsMissingAndNoneIsCountedTwice() throws Exception {
        cluster.api();
        cluster.nurse();
        cluster.producer("p1");
        cluster.fetcher("f1");
        cluster.fetcher("f2");
        cluster.updater("u1");
        cluster.updater("u2");
        Instant started = Instant.now();
        fullTicks(started, 2);

        // Mid-stream: both hold batches they have taken but not acknowledged.
        cluster.role("f1").kill();
        cluster.role("u1").kill();
        Instant killed = Instant.now();
        fullTicks(killed, 1);
        cluster.fetcher("f1b");
        cluster.updater("u1b");
        fullTicks(Instant.now(), 2);

        Instant stopping = Instant.now();
        cluster.role("p1").stop(10);
        cluster.eventually(Duration.ofSeconds(30), "the queues drain", cluster::drained);

        assertThat(cluster.completedTicks(started.plus(INTERVAL), stopping).values())
                .as("readings per tick, through the crash").isNotEmpty().allMatch(n -> n == INFLUENCERS);
        Map<Integer, List<Integer>> history = cluster.followerHistory();
        var latest = cluster.latest();
        for (var entry : history.entrySet()) {
            InfluencerLatest stored = latest.influencer(entry.getKey()).toCompletableFuture().join().orElseThrow();
            double average = entry.getValue().stream().mapToInt(Integer::intValue).average().orElseThrow();
            // A reading counted twice would pull the average off the stored history.
            assertThat(stored.averageFollowerCount()).as("average of %d", entry.getKey()).isCloseTo(average, within(1e-6));
        }
        for (var tick : cluster.readingsPerTick().entrySet()) {
            assertThat(latest.coverage(tick.getKey().toEpochMilli()).toCompletableFuture().join()).as("coverage of %s", tick.getKey())
                    .isEqualTo(tick.getValue().longValue());
        }
    }

    @Test
    void coverageStaysCompleteWhileProducersJoinAndLeave() throws Exception {
        cluster.api();
        cluster.nurse();
        cluster.producer("p1");
        cluster.producer("p2");
        cluster.fetcher("f1");
        cluster.updater("u1");
        Instant started = Instant.now();
        fullTicks(started, 2);

        cluster.producer("p3");
        fullTicks(Instant.now(), 2);
        cluster.role("p1").stop(10);
        fullTicks(Instant.now(), 2);
        cluster.producer("p4");
        fullTicks(Instant.now(), 2);

        Instant stopping = Instant.now();
        cluster.role("p2").stop(10);
        cluster.role("p3").stop(10);
        cluster.role("p4").stop(10);
        cluster.eventually(Duration.ofSeconds(30), "the queues drain", cluster::drained);
        assertThat(cluster.completedTicks(started.plus(INTERVAL), stopping).values())
                .as("readings per tick while producers joined and left").isNotEmpty().allMatch(n -> n == INFLUENCERS);
    }

    @Test
    void apiErrorsAreRetriedAndAPkThatKeepsFailingIsDeadLetteredAndCounted() throws Exception {
        cluster.api("--fail-rate", "0.2", "--slow-rate", "0.01", "--slow-delay", "2s", "--broken-pks", "1000007");
        cluster.nurse();
        cluster.producer("p1");
        // One call in five fails: ten attempts make losing a good pk a one-in-ten-million event.
        cluster.fetcher("f1", "--request-timeout", "500ms", "--max-attempts", "10");
        cluster.updater("u1");
        Instant started = Instant.now();
        fullTicks(started, 2);

        // Read until the fetcher answers: on a busy machine one scrape may time out.
        cluster.eventually(Duration.ofSeconds(30), "retries and dead letters counted", () ->
                cluster.metric("f1", "mockstagram_fetch_retries_total") > 0
                        && cluster.metric("f1", "mockstagram_fetch_deadletters_total") >= 2);
        assertThat(cluster.deadLetters()).as("dead letters kept in PostgreSQL, one per interval of the broken pk")
                .hasEntrySatisfying(1_000_007, reasons -> assertThat(reasons).hasSizeGreaterThanOrEqualTo(2)
                        .allMatch(reason -> reason.startsWith("fetch: ")));
        Instant stopping = Instant.now();
        cluster.role("p1").stop(10);
        // Each batch holding the broken pk takes some ten seconds of retries, longer than the
        // ack wait, so it is taken more than once: a backlog that takes a while to clear.
        cluster.eventually(Duration.ofSeconds(90), "the queues drain", cluster::drained);
        // Every pk, every tick, is stored or dead-lettered: the broken one always, and on a
        // machine so busy that the fetcher falls behind, the batches it came to too late.
        assertThat(cluster.accountedTicks(started.plus(INTERVAL), stopping).values())
                .as("pks stored or dead-lettered, every tick").isNotEmpty().allMatch(n -> n == INFLUENCERS);
        assertThat(cluster.followerHistory()).doesNotContainKey(1_000_007);
    }
}
