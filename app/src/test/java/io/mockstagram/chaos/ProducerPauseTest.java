package io.mockstagram.chaos;

import io.mockstagram.producer.ProducerStatus;
import io.mockstagram.testing.Invariants;
import io.mockstagram.testing.LocalCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static io.mockstagram.testing.Eventually.within;
import static org.assertj.core.api.Assertions.assertThat;

@Tag("chaos")
class ProducerPauseTest {

    private final LocalCluster cluster = new LocalCluster();

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void aProducerPausedPastItsLeaseComesBackFencedThenRejoinsAndNoNumberIsEverHeldTwice() throws Exception {
        cluster.startNurse("nurse-1");
        cluster.startProducers("p1", "p2", "p3", "p4");
        within(LocalCluster.START, cluster, "four producers agree", cluster::agreesWithRedis);
        String victim = cluster.snapshot().members().get(1).name();
        LocalCluster.Role paused = cluster.producer(victim);

        try (var invariants = Invariants.watch(cluster)) {
            invariants.skip(victim);
            paused.process().pause();
            // Held until the nurse has evicted it, which is past its lease by Redis time.
            within(LocalCluster.LEASE.multipliedBy(3), cluster, "the nurse evicts the paused producer",
                    () -> !cluster.snapshot().numbersByName().containsKey(victim));
            paused.process().resume();

            Optional<ProducerStatus> first = cluster.status(paused);
            assertThat(first).as("the paused producer answers once resumed").isPresent();
            Integer redisNumber = cluster.snapshot().numbersByName().get(victim);
            if ("ACTIVE".equals(first.get().state())) {
                // Only possible if it rejoined before answering; then its number is the new one.
                assertThat(first.get().serverNumber()).isEqualTo(redisNumber);
            } else {
                assertThat(first.get().serverNumber()).as("a fenced producer shows no number").isNull();
            }

            invariants.include(victim);
            within(Duration.ofSeconds(15), cluster, "the resumed producer rejoins and all agree", cluster::agreesWithRedis);
            assertThat(invariants.statusSamples()).isGreaterThan(20);
            invariants.assertHeld();
        }
    }
}
