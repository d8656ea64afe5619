package io.mockstagram.membership;

import io.lettuce.core.RedisClient;
import io.mockstagram.membership.store.MembershipSnapshot;
import io.mockstagram.membership.store.RedisMembershipStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class MemberTest {

    private static final Duration LEASE = Duration.ofMillis(3000);
    private static final Duration HEARTBEAT = Duration.ofMillis(1000);

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
        b.refreshIfBehind(snapshot().epoch());

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
        redis.store().evictExpired(null).toCompletableFuture().join();
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
}
