package io.mockstagram.membership;

import io.lettuce.core.RedisClient;
import io.mockstagram.membership.store.MembershipChange;
import io.mockstagram.membership.store.MembershipSnapshot;
import io.mockstagram.membership.store.RedisMembershipStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class MemberTest {

    private static final Duration LEASE = Duration.ofMillis(3000);
    private static final Duration HEARTBEAT = Duration.ofMillis(1000);
    private static final Duration QUICK_LEASE = Duration.ofMillis(900);
    private static final Duration QUICK_HEARTBEAT = Duration.ofMillis(300);

    @RegisterExtension
    final SharedRedis redis = new SharedRedis();

    private final List<Member> members = new ArrayList<>();

    @AfterEach
    void closeMembers() {
        members.forEach(Member::close);
    }

    private Member member(String name) {
        return member(redis.store(), name);
    }

    private Member member(RedisMembershipStore store, String name) {
        var member = new Member(store, new MemberConfig(redis.keys(), name, LEASE, HEARTBEAT));
        members.add(member);
        return member;
    }

    private MembershipSnapshot snapshot() {
        return redis.store().snapshot().toCompletableFuture().join();
    }

    @Test
    void aMemberBecomesActiveWithTheNextNumber() {
        Member first = member("a").start();
        Assignment active = first.firstActive().toCompletableFuture().join();

        assertThat(active).isEqualTo(new Assignment("a", MemberState.ACTIVE, 1, 1, 1));
        assertThat(first.assignment().serverNumberIfActive()).isEqualTo(1);
    }

    @Test
    void aMemberNotYetStartedJoinsOnNoNoticeEventOrRefresh() {
        Member waiting = member("waiting");
        member("other").start().firstActive().toCompletableFuture().join();

        waiting.follow(new ChangeNotice(1, 1, MembershipChange.Kind.JOINED, "other", 1, Optional.empty(), "g"));
        waiting.refreshIfBehind("g", 5);
        waiting.refresh();

        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                .until(() -> snapshot().members().size() == 1 && waiting.assignment().state() == MemberState.JOINING);
        waiting.start().firstActive().toCompletableFuture().join();
        assertThat(waiting.assignment().serverNumber()).isEqualTo(2);
    }

    @Test
    void twoHundredMembersJoiningAtOnceGetExactlyTheNumbersOneToTwoHundred() {
        var store = redis.store();
        List<Member> crowd = IntStream.rangeClosed(1, 200).mapToObj(i -> member(store, "m" + i)).toList();
        crowd.parallelStream().forEach(Member::start);

        await().atMost(Duration.ofSeconds(10)).until(() -> crowd.stream().allMatch(m -> m.assignment().isActive()));
        assertThat(crowd.stream().map(m -> m.assignment().serverNumber()).sorted().toList())
                .isEqualTo(IntStream.rangeClosed(1, 200).boxed().toList());
        assertThat(snapshot().isDense()).isTrue();
        // Early joiners learn the final total through their heartbeats.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(crowd).allSatisfy(m -> assertThat(m.assignment().total()).isEqualTo(200)));
    }

    @Test
    void listenersSeeEveryChangeInOrder() {
        var seen = new CopyOnWriteArrayList<MemberState>();
        Member a = member("a").addListener((before, after) -> seen.add(after.state())).start();
        a.firstActive().toCompletableFuture().join();

        a.leave().toCompletableFuture().join();

        assertThat(seen).containsExactly(MemberState.ACTIVE, MemberState.LEAVING);
    }

    @Test
    void afterALeaveTheMovedMemberFollowsOnRefresh() {
        Member a = member("a").start();
        a.firstActive().toCompletableFuture().join();
        Member b = member("b").start();
        b.firstActive().toCompletableFuture().join();

        a.leave().toCompletableFuture().join();
        b.refreshIfBehind(snapshot().generation(), snapshot().epoch());

        await().atMost(Duration.ofSeconds(1)).until(() -> b.assignment().serverNumber() == 1);
        assertThat(b.assignment()).isEqualTo(new Assignment("b", MemberState.ACTIVE, 1, 1, 3));
    }

    @Test
    void watchedMembersFollowAChangeWithoutWaitingForTheirHeartbeat() {
        var slow = Duration.ofSeconds(20);
        var store = redis.store();
        var first = new Member(store, new MemberConfig(redis.keys(), "a", slow.multipliedBy(3), slow));
        var second = new Member(store, new MemberConfig(redis.keys(), "b", slow.multipliedBy(3), slow));
        members.add(first);
        members.add(second);
        RedisClient client = RedisClient.create(System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379"));
        try (var watcher = new ChangeWatcher(client.connectPubSub(), redis.keys())) {
            watcher.watch(first).watch(second);
            first.start().firstActive().toCompletableFuture().join();
            second.start().firstActive().toCompletableFuture().join();

            await().atMost(Duration.ofSeconds(2)).until(() -> first.assignment().total() == 2);

            first.leave().toCompletableFuture().join();
            await().atMost(Duration.ofSeconds(2)).until(() -> second.assignment().serverNumber() == 1
                    && second.assignment().total() == 1);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void anEvictedMemberRejoinsWithANewNumber() {
        Member a = member("a").start();
        a.firstActive().toCompletableFuture().join();
        Member b = member("b").start();
        b.firstActive().toCompletableFuture().join();

        redis.expireLease("a");
        redis.store().evictExpired(null, 0).toCompletableFuture().join();
        b.refresh();
        a.refresh();

        await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
            assertThat(b.assignment().serverNumberIfActive()).isEqualTo(1);
            assertThat(a.assignment().serverNumberIfActive()).isEqualTo(2);
        });
        assertThat(snapshot().numbersByName()).containsEntry("a", 2).containsEntry("b", 1);
    }

    @Test
    void aMemberThatCannotReachRedisFencesItselfBeforeItsLeaseCanRunOut() {
        RedisClient client = RedisClient.create(System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379"));
        var connection = client.connect();
        var states = new CopyOnWriteArrayList<MemberState>();
        Member a = member(new RedisMembershipStore(connection.async(), redis.keys()), "a")
                .addListener((before, after) -> states.add(after.state())).start();
        a.firstActive().toCompletableFuture().join();
        long leaseDeadline = redis.sync().zscore(redis.keys().leases(), "a").longValue();

        connection.close();

        await().atMost(LEASE).until(() -> a.assignment().state() == MemberState.FENCED);
        long redisNow = Long.parseLong(redis.sync().time().get(0)) * 1000;
        assertThat(redisNow).as("fenced while Redis still held the lease").isLessThan(leaseDeadline);
        assertThat(a.assignment().serverNumberIfActive()).isNull();
        assertThat(states).containsSubsequence(MemberState.ACTIVE, MemberState.FENCED);
        client.shutdown();
    }

    // ---- when Redis forgets

    private Member quick(String name) {
        var member = new Member(redis.store(), new MemberConfig(redis.keys(), name, QUICK_LEASE, QUICK_HEARTBEAT));
        members.add(member);
        return member;
    }

    private void forgetEverything() {
        redis.sync().del(redis.keys().all().toArray(String[]::new));
    }

    @Test
    void aMemberJoiningAMapYoungerThanOneLeaseHoldsItsNumberButActsOnlyOnceALeaseHasPassed() {
        forgetEverything();
        long start = System.nanoTime();
        Member a = quick("a").start();

        await().atMost(Duration.ofSeconds(2)).until(() -> snapshot().numbersByName().containsKey("a"));
        assertThat(a.assignment().state()).as("holds number 1 in Redis, not yet acting").isEqualTo(MemberState.JOINING);
        a.firstActive().toCompletableFuture().join();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(QUICK_LEASE.minusMillis(50));
        assertThat(a.assignment().serverNumberIfActive()).isEqualTo(1);
        assertThat(a.waitedForYoungMap()).isTrue();
    }

    @Test
    void aMemberJoiningASettledMapActsAtOnce() {
        Member a = quick("a").start();
        a.firstActive().toCompletableFuture().join();
        assertThat(a.waitedForYoungMap()).isFalse();
    }

    @Test
    void afterRedisForgetsTheMapTheOldHolderStopsActingBeforeANewcomerActsOnItsNumber() {
        RedisClient client = RedisClient.create(System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379"));
        try (var watcher = new ChangeWatcher(client.connectPubSub(), redis.keys())) {
            Member old = quick("old");
            watcher.watch(old);
            Assignment before = old.start().firstActive().toCompletableFuture().join();
            var oldActiveOnOne = new CopyOnWriteArrayList<Long>();
            var newcomerActiveOnOne = new CopyOnWriteArrayList<Long>();

            forgetEverything();
            Member newcomer = quick("newcomer");
            watcher.watch(newcomer);
            newcomer.start();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(() -> {
                long now = System.nanoTime();
                if (old.assignment().isActive() && old.assignment().serverNumber() == 1) {
                    oldActiveOnOne.add(now);
                }
                if (newcomer.assignment().isActive() && newcomer.assignment().serverNumber() == 1) {
                    newcomerActiveOnOne.add(now);
                }
                return newcomer.assignment().isActive() && old.assignment().isActive();
            });

            assertThat(oldActiveOnOne.isEmpty() || newcomerActiveOnOne.isEmpty()
                    || oldActiveOnOne.get(oldActiveOnOne.size() - 1) < newcomerActiveOnOne.get(0))
                    .as("never both ACTIVE on number 1").isTrue();
            assertThat(snapshot().isDense()).isTrue();
            assertThat(snapshot().epoch()).as("the epoch never goes back").isGreaterThan(before.epoch());
            assertThat(newcomer.assignment().serverNumber()).isEqualTo(1);
            assertThat(old.assignment().serverNumber()).isEqualTo(2);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void aMemberThatSeesAnOlderCopyOfTheMapRejoinsAboveTheEpochItSaw() {
        Member a = quick("a").start();
        a.firstActive().toCompletableFuture().join();
        List<String> keys = redis.keys().all();
        var older = keys.stream().map(key -> redis.sync().dump(key)).toList();
        Member b = quick("b").start();
        b.firstActive().toCompletableFuture().join();
        await().atMost(Duration.ofSeconds(2)).until(() -> a.assignment().epoch() == 2 || snapshot().epoch() == 2);
        long highest = snapshot().epoch();

        // Redis comes back with the copy from before b joined, as after losing its last second.
        for (int i = 0; i < keys.size(); i++) {
            redis.sync().del(keys.get(i));
            if (older.get(i) != null) {
                redis.sync().restore(keys.get(i), 0, older.get(i));
            }
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> a.assignment().isActive() && b.assignment().isActive()
                && snapshot().isDense() && snapshot().total() == 2 && snapshot().epoch() > highest);
        assertThat(snapshot().generation()).as("the older copy was rebuilt as a new generation").isNotEqualTo("settled");
    }

    @Test
    void aMemberThatFindsTheKeysInconsistentHasTheMapRebuiltAndRejoins() {
        Member a = quick("a").start();
        Member b = quick("b").start();
        a.firstActive().toCompletableFuture().join();
        b.firstActive().toCompletableFuture().join();
        long highest = snapshot().epoch();

        redis.sync().del(redis.keys().total());

        await().atMost(Duration.ofSeconds(5)).until(() -> a.assignment().isActive() && b.assignment().isActive()
                && snapshot().isDense() && snapshot().total() == 2);
        assertThat(snapshot().epoch()).isGreaterThan(highest);
        assertThat(List.of(a.assignment().serverNumber(), b.assignment().serverNumber())).containsExactlyInAnyOrder(1, 2);
    }

    @Test
    void aFailureInTheMembersLoopIsCountedAndTheLoopCarriesOn() {
        var thrown = new java.util.concurrent.atomic.AtomicInteger();
        Member a = quick("a").addListener((before, after) -> {
            if (thrown.getAndIncrement() == 0) {
                throw new AssertionError("injected");
            }
        }).start();

        await().atMost(Duration.ofSeconds(5)).until(() -> a.loopFailures() >= 1 && a.assignment().isActive());
        long deadline = redis.sync().zscore(redis.keys().leases(), "a").longValue();
        await().atMost(QUICK_LEASE.multipliedBy(3)).until(() ->
                redis.sync().zscore(redis.keys().leases(), "a").longValue() > deadline + QUICK_HEARTBEAT.toMillis());
        assertThat(a.assignment().isActive()).as("still renewing and acting").isTrue();
    }
}
