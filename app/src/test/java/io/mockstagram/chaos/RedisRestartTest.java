package io.mockstagram.chaos;

import io.mockstagram.testing.Invariants;
import io.mockstagram.testing.LocalCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import static io.mockstagram.testing.Eventually.within;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis forgets the membership while six producers and two nurses run: the producers
 * rebuild a dense map under a new generation, no number is ever ACTIVE on two producers,
 * and the epoch never goes back, as checked all along by {@link Invariants}.
 */
@Tag("chaos")
class RedisRestartTest {

    private static final String[] PRODUCERS = {"p1", "p2", "p3", "p4", "p5", "p6"};
    /** Start-up of eight JVMs on a loaded two-core machine. */
    private static final Duration START = LocalCluster.START.plusSeconds(30);
    /** Rejoining after a loss: a lease to notice, a lease for the new map to settle, and room for a busy machine. */
    private static final Duration REBUILD = Duration.ofSeconds(20);

    private final LocalCluster cluster = new LocalCluster();

    @AfterEach
    void stop() {
        cluster.close();
    }

    private long startAndAgree() {
        cluster.startNurse("nurse-1");
        cluster.startNurse("nurse-2");
        cluster.startProducers(PRODUCERS);
        within(START, cluster, "six producers agree", cluster::agreesWithRedis);
        return cluster.snapshot().epoch();
    }

    private void rebuiltAbove(long epochBefore, Invariants invariants) {
        within(REBUILD, cluster, "the producers rebuild a dense map", cluster::agreesWithRedis);
        var snapshot = cluster.snapshot();
        assertThat(snapshot.total()).isEqualTo(PRODUCERS.length);
        assertThat(snapshot.epoch()).as("the epoch keeps growing across the loss").isGreaterThan(epochBefore);
        invariants.assertHeld();
    }

    @Test
    void afterFlushallWhileEveryLeaseIsLiveNoNumberIsHeldTwiceAndTheMapIsRebuilt() throws Exception {
        try (Invariants invariants = Invariants.watch(cluster)) {
            long epochBefore = startAndAgree();

            cluster.flushRedis();

            rebuiltAbove(epochBefore, invariants);
        }
    }

    @Test
    void whenRedisRestartsEmptyWithinHalfALeaseNoNumberIsHeldTwiceAndTheMapIsRebuilt() throws Exception {
        try (Invariants invariants = Invariants.watch(cluster)) {
            long epochBefore = startAndAgree();

            long down = System.nanoTime();
            cluster.redisServer().kill();
            cluster.redisServer().start();
            assertThat(Duration.ofNanos(System.nanoTime() - down)).as("back within half a lease")
                    .isLessThan(LocalCluster.LEASE.dividedBy(2));

            rebuiltAbove(epochBefore, invariants);
        }
    }

    @Test
    void afterALongOutageTheProducersStopActingThenRebuildTheMap() throws Exception {
        try (Invariants invariants = Invariants.watch(cluster)) {
            long epochBefore = startAndAgree();

            cluster.redisServer().kill();
            // A producer fences itself when its lease runs out by its own clock; the margin is
            // for sweeping six /status endpoints on a busy machine.
            within(LocalCluster.LEASE.plusSeconds(2), cluster, "producers notice they cannot renew and stop acting",
                    () -> cluster.producers().values().stream()
                            .allMatch(p -> cluster.status(p).map(s -> !"ACTIVE".equals(s.state())).orElse(false)));
            // Held down well past every lease, so that nothing of the old map could still be live.
            LockSupport.parkNanos(LocalCluster.LEASE.multipliedBy(2).toNanos());
            cluster.redisServer().start();

            rebuiltAbove(epochBefore, invariants);
        }
    }

    @Test
    void whenEveryProcessAndRedisForgetTheNewClusterStartsAboveTheRecordedEpoch() throws Exception {
        try (Invariants invariants = Invariants.watch(cluster)) {
            long epochBefore = startAndAgree();
            within(Duration.ofSeconds(10), cluster, "the nurse records the epoch in JetStream",
                    () -> cluster.recordedEpochFloor() == epochBefore);

            cluster.killAllRoles();
            cluster.flushRedis();
            cluster.startNurse("nurse-3");
            cluster.startProducers("q1", "q2", "q3");

            within(START, cluster, "the new producers agree", cluster::agreesWithRedis);
            assertThat(cluster.snapshot().epoch()).as("above every epoch the old cluster used").isGreaterThan(epochBefore);
            assertThat(invariants.highestRedisEpoch()).isGreaterThan(epochBefore);
            invariants.assertHeld();
        }
    }
}
