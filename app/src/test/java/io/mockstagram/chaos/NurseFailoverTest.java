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
class NurseFailoverTest {

    private final LocalCluster cluster = new LocalCluster();

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void whenTheActingNurseDiesAStandbyTakesOverAndEvicts() throws Exception {
        try (Invariants invariants = Invariants.watch(cluster)) {
            cluster.startNurse("nurse-a");
            cluster.startNurse("nurse-b");
            cluster.startProducers("p1", "p2", "p3");
            within(LocalCluster.START, cluster, "three producers agree", cluster::agreesWithRedis);
            within(Duration.ofSeconds(10), cluster, "exactly one nurse acts", () -> leaders() == 1);
            LocalCluster.Role acting = cluster.nurses().values().stream()
                    .filter(n -> cluster.nurseStatus(n).map(s -> s.leader()).orElse(false)).findFirst().orElseThrow();
            LocalCluster.Role standby = cluster.nurses().values().stream().filter(n -> n != acting).findFirst().orElseThrow();

            acting.process().kill();
            cluster.remove("p2").process().kill();

            within(LocalCluster.LEASE.multipliedBy(3), cluster, "the standby takes over",
                    () -> cluster.nurseStatus(standby).map(s -> s.leader()).orElse(false));
            within(LocalCluster.LEASE.multipliedBy(3), cluster, "the standby evicts the dead producer", cluster::agreesWithRedis);
            assertThat(cluster.snapshot().numbersByName()).containsOnlyKeys("p1", "p3");
            invariants.assertHeld();
        }
    }

    private long leaders() {
        return cluster.nurses().values().stream()
                .filter(n -> cluster.nurseStatus(n).map(s -> s.leader()).orElse(false)).count();
    }
}
