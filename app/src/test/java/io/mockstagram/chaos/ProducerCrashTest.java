package io.mockstagram.chaos;

import io.mockstagram.testing.Invariants;
import io.mockstagram.testing.LocalCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.mockstagram.testing.Eventually.within;
import static org.assertj.core.api.Assertions.assertThat;

@Tag("chaos")
class ProducerCrashTest {

    private final LocalCluster cluster = new LocalCluster();

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void afterKillMinusNineTheSurvivorsRenumberDenselyAndEveryStatusAgreesWithRedis() throws Exception {
        try (Invariants invariants = Invariants.watch(cluster)) {
            cluster.startNurse("nurse-1");
            cluster.startProducers("p1", "p2", "p3", "p4", "p5");
            within(LocalCluster.START, cluster, "five producers agree", cluster::agreesWithRedis);
            long epochBefore = cluster.snapshot().epoch();

            cluster.remove("p2").process().kill();
            cluster.remove("p4").process().kill();

            // Nobody announced anything: the nurse finds out when the leases run out.
            within(LocalCluster.LEASE.multipliedBy(3), cluster, "the survivors agree with Redis", cluster::agreesWithRedis);
            var snapshot = cluster.snapshot();
            assertThat(snapshot.numbersByName()).containsOnlyKeys("p1", "p3", "p5");
            assertThat(snapshot.total()).isEqualTo(3);
            assertThat(snapshot.epoch()).isGreaterThanOrEqualTo(epochBefore + 2);
            invariants.assertHeld();
        }
    }
}
