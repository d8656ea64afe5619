package io.mockstagram.testing;

import io.mockstagram.producer.ProducerStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Samples every producer's /status in the background and checks that no two producers were
 * ever ACTIVE on the same number at the same time.
 *
 * <p>A status that says ACTIVE with number n and {@code assignedAt} a, answered to a request
 * sent at s, proves its producer held n throughout [a, s]. Two such intervals for the same
 * number from different producers must never overlap; sampling cannot invent an overlap.
 */
public final class ActiveNumberLedger implements AutoCloseable {

    private record Holding(String name, int number, Instant from, Instant until) {
        boolean overlaps(Holding other) {
            return from.isBefore(other.until) && other.from.isBefore(until);
        }
    }

    private static final Duration SAMPLE_PERIOD = Duration.ofMillis(20);

    private final LocalCluster cluster;
    private final Set<String> skipped = ConcurrentHashMap.newKeySet();
    private final Map<String, Holding> latest = new ConcurrentHashMap<>();
    private final List<Holding> holdings = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread sampler;
    private int samples;

    public ActiveNumberLedger(LocalCluster cluster) {
        this.cluster = cluster;
        this.sampler = new Thread(this::sample, "active-number-ledger");
        this.sampler.setDaemon(true);
        this.sampler.start();
    }

    /** Stop asking a producer (a paused one would only make the sampler wait). */
    public void skip(String name) {
        skipped.add(name);
    }

    public void include(String name) {
        skipped.remove(name);
    }

    private void sample() {
        while (running.get()) {
            for (LocalCluster.Role producer : List.copyOf(cluster.producers().values())) {
                if (skipped.contains(producer.name())) {
                    continue;
                }
                Instant sent = Instant.now();
                cluster.status(producer).ifPresent(status -> record(status, sent));
            }
            LockSupport.parkNanos(SAMPLE_PERIOD.toNanos());
        }
    }

    private synchronized void record(ProducerStatus status, Instant sent) {
        samples++;
        if (!"ACTIVE".equals(status.state())) {
            return;
        }
        String key = status.serverName() + "@" + status.assignedAt() + "#" + status.serverNumber();
        Holding holding = new Holding(status.serverName(), status.serverNumber(), status.assignedAt(), sent);
        Holding before = latest.put(key, holding);
        if (before != null) {
            holdings.remove(before);
        }
        holdings.add(holding);
    }

    public synchronized int samples() {
        return samples;
    }

    public synchronized void assertNoNumberWasEverHeldTwice() {
        for (int i = 0; i < holdings.size(); i++) {
            for (int j = i + 1; j < holdings.size(); j++) {
                Holding a = holdings.get(i);
                Holding b = holdings.get(j);
                if (a.number() == b.number() && !a.name().equals(b.name())) {
                    assertThat(a.overlaps(b)).as("%s and %s were both ACTIVE on number %d at once", a, b, a.number())
                            .isFalse();
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        sampler.join(5000);
    }
}
