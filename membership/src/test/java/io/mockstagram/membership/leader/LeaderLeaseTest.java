package io.mockstagram.membership.leader;

import io.mockstagram.membership.SharedRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class LeaderLeaseTest {

    private static final Duration LEASE = Duration.ofMillis(900);

    @RegisterExtension
    final SharedRedis redis = new SharedRedis();

    static final class Counting implements LeadershipListener {
        final AtomicInteger acquired = new AtomicInteger();
        final AtomicInteger lost = new AtomicInteger();

        @Override
        public void leadershipAcquired() {
            acquired.incrementAndGet();
        }

        @Override
        public void leadershipLost() {
            lost.incrementAndGet();
        }
    }

    private LeaderLease candidate(String id, Counting listener) {
        return new LeaderLease(redis.connection().async(), redis.keys().leader(), id, LEASE, listener);
    }

    @Test
    void exactlyOneCandidateLeadsAndAStandbyTakesOverWhenItLetsGo() {
        var first = new Counting();
        var second = new Counting();
        try (LeaderLease a = candidate("a", first).start()) {
            await().atMost(Duration.ofSeconds(2)).until(a::isLeader);
            try (LeaderLease b = candidate("b", second).start()) {
                await().during(LEASE.multipliedBy(2)).atMost(LEASE.multipliedBy(3)).until(() -> a.isLeader() && !b.isLeader());

                a.close();

                await().atMost(LEASE).until(b::isLeader);
                assertThat(redis.sync().get(redis.keys().leader())).isEqualTo("b");
                assertThat(first.lost.get()).isEqualTo(1);
                assertThat(second.acquired.get()).isEqualTo(1);
            }
        }
    }

    @Test
    void aStandbyTakesOverWithinALeaseWhenTheHolderVanishesWithoutLettingGo() {
        redis.sync().psetex(redis.keys().leader(), LEASE.toMillis(), "crashed-nurse");
        var standby = new Counting();
        try (LeaderLease b = candidate("b", standby).start()) {
            await().atMost(LEASE.plusMillis(300)).until(b::isLeader);
            assertThat(standby.acquired.get()).isEqualTo(1);
        }
    }

    @Test
    void aListenerThatThrowsIsCountedAndTheLeaseIsTriedAgainUntilItTakesOver() {
        var calls = new AtomicInteger();
        var failingOnce = new LeadershipListener() {
            @Override
            public void leadershipAcquired() {
                if (calls.getAndIncrement() == 0) {
                    throw new IllegalStateException("injected");
                }
            }

            @Override
            public void leadershipLost() {
            }
        };
        try (LeaderLease a = new LeaderLease(redis.connection().async(), redis.keys().leader(), "a", LEASE, failingOnce).start()) {
            await().atMost(Duration.ofSeconds(3)).until(() -> a.loopFailures() == 1 && a.isLeader());
            assertThat(calls.get()).isEqualTo(2);
            await().during(LEASE.multipliedBy(2)).atMost(LEASE.multipliedBy(3)).until(a::isLeader);
        }
    }
}
