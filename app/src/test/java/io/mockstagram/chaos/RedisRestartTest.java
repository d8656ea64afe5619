package io.mockstagram.chaos;

import io.mockstagram.testing.LocalCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.mockstagram.testing.Eventually.within;
import static org.assertj.core.api.Assertions.assertThat;

@Tag("chaos")
class RedisRestartTest {

    private final LocalCluster cluster = new LocalCluster();

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void whenRedisComesBackEmptyTheProducersRebuildADenseMap() {
        cluster.startNurse("nurse-1");
        cluster.startProducers("p1", "p2", "p3");
        within(Duration.ofSeconds(30), cluster, "three producers agree", cluster::agreesWithRedis);
        long epochBefore = cluster.snapshot().epoch();

        cluster.redisServer().kill();
        within(LocalCluster.LEASE, cluster, "producers notice they cannot renew and stop acting",
                () -> cluster.producers().values().stream()
                        .allMatch(p -> cluster.status(p).map(s -> !"ACTIVE".equals(s.state())).orElse(false)));
        cluster.redisServer().start();

        within(Duration.ofSeconds(20), cluster, "the producers rebuild the map", cluster::agreesWithRedis);
        assertThat(cluster.snapshot().epoch()).as("epochs keep growing across the loss").isGreaterThan(epochBefore);
    }
}
