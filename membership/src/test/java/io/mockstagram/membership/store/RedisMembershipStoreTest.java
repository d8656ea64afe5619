package io.mockstagram.membership.store;

import io.mockstagram.membership.SharedRedis;
import io.mockstagram.membership.store.MembershipChange.Kind;
import io.mockstagram.membership.store.MembershipChange.Move;
import io.mockstagram.membership.store.StoreReply.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import static org.assertj.core.api.Assertions.assertThat;

class RedisMembershipStoreTest {

    private static final Duration LEASE = Duration.ofSeconds(30);

    @RegisterExtension
    final SharedRedis redis = new SharedRedis();

    private <T> T await(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    private StoreReply join(RedisMembershipStore store, String name) {
        return await(store.join(name, name + "-1", LEASE, 0));
    }

    @Test
    void membersJoiningInTurnTakeTheNextNumberAndTheEpochGrows() {
        var store = redis.store();

        assertThat(join(store, "a")).isEqualTo(new StoreReply(Outcome.JOINED, 1, 1, 1, 0));
        assertThat(join(store, "b")).isEqualTo(new StoreReply(Outcome.JOINED, 2, 2, 2, 0));
        assertThat(join(store, "c")).isEqualTo(new StoreReply(Outcome.JOINED, 3, 3, 3, 0));

        assertThat(redis.sync().hgetall(redis.keys().members())).isEqualTo(Map.of("a", "1", "b", "2", "c", "3"));
        assertThat(redis.sync().get(redis.keys().total())).isEqualTo("3");
        assertThat(redis.sync().get(redis.keys().epoch())).isEqualTo("3");
    }

    @Test
    void whenAMemberLeavesOnlyTheHighestMovesIntoTheFreedNumber() {
        var store = redis.store();
        for (String name : new String[] {"a", "b", "c", "d"}) {
            join(store, name);
        }

        StoreReply reply = await(store.leave("b", "b-1", 0));

        assertThat(reply.outcome()).isEqualTo(Outcome.LEFT);
        assertThat(reply.total()).isEqualTo(3);
        assertThat(reply.epoch()).isEqualTo(5);
        assertThat(redis.sync().hgetall(redis.keys().members())).isEqualTo(Map.of("a", "1", "d", "2", "c", "3"));
        assertThat(await(store.snapshot()).isDense()).isTrue();
        assertThat(await(store.changesAfter(null, 100))).last()
                .satisfies(change -> {
                    assertThat(change.kind()).isEqualTo(Kind.LEFT);
                    assertThat(change.name()).isEqualTo("b");
                    assertThat(change.epoch()).isEqualTo(5);
                    assertThat(change.move()).contains(new Move("d", 4, 2));
                });
    }

    @Test
    void theHighestMemberLeavingMovesNobody() {
        var store = redis.store();
        join(store, "a");
        join(store, "b");

        await(store.leave("b", "b-1", 0));

        assertThat(redis.sync().hgetall(redis.keys().members())).isEqualTo(Map.of("a", "1"));
        assertThat(await(store.changesAfter(null, 100))).last()
                .extracting(MembershipChange::move).isEqualTo(Optional.empty());
    }

    @Test
    void aRestartUnderTheSameNameWhileTheLeaseLivesKeepsTheNumberAndRenumbersNothing() {
        var store = redis.store();
        join(store, "a");
        join(store, "b");

        StoreReply again = await(store.join("a", "a-2", LEASE, 0));

        assertThat(again).isEqualTo(new StoreReply(Outcome.KEPT, 1, 2, 2, 0));
        assertThat(await(store.heartbeat("a", "a-1", LEASE)).outcome())
                .as("the old incarnation is superseded").isEqualTo(Outcome.SUPERSEDED);
        assertThat(await(store.heartbeat("a", "a-2", LEASE)).outcome()).isEqualTo(Outcome.RENEWED);
    }

    @Test
    void onlyExpiredLeasesAreEvicted() {
        var store = redis.store();
        join(store, "a");
        join(store, "b");
        join(store, "c");
        redis.expireLease("a");

        assertThat(await(store.evictExpired(null)).evicted()).containsExactly("a");

        assertThat(redis.sync().hgetall(redis.keys().members())).isEqualTo(Map.of("c", "1", "b", "2"));
        assertThat(await(store.heartbeat("a", "a-1", LEASE)).outcome()).isEqualTo(Outcome.GONE);
        assertThat(await(store.changesAfter(null, 100))).last().extracting(MembershipChange::kind).isEqualTo(Kind.EVICTED);
    }

    @Test
    void evictionNeedsTheLeaderLeaseWhenALeaderIsNamed() {
        var store = redis.store();
        join(store, "a");
        redis.expireLease("a");
        redis.sync().set(redis.keys().leader(), "nurse-1");

        assertThat(await(store.evictExpired("nurse-2")).leader()).isFalse();
        assertThat(await(store.evictExpired("nurse-1")).evicted()).containsExactly("a");
    }

    @Test
    void anEvictionPassTellsHowLongUntilTheNextLeaseCanRunOut() {
        var store = redis.store();
        assertThat(await(store.evictExpired(null)).nextExpiry()).isEmpty();
        join(store, "a");

        Eviction pass = await(store.evictExpired(null));

        assertThat(pass.evicted()).isEmpty();
        assertThat(pass.epoch()).isEqualTo(1);
        assertThat(pass.nextExpiry()).hasValueSatisfying(wait ->
                assertThat(wait).isPositive().isLessThanOrEqualTo(LEASE));
    }

    @Test
    void aNewcomerWaitsUntilTheMovedMemberHasSeenItsNewNumber() {
        var store = redis.store();
        join(store, "a");
        join(store, "b");
        join(store, "c");
        await(store.leave("a", "a-1", 0));

        // c moved from 3 to 1 but still acts on 3 until it hears of the move.
        StoreReply newcomer = join(store, "d");
        assertThat(newcomer.outcome()).isEqualTo(Outcome.WAIT);
        assertThat(newcomer.waitMillis()).isPositive().isLessThanOrEqualTo(LEASE.toMillis());

        assertThat(await(store.heartbeat("c", "c-1", LEASE)).number()).isEqualTo(1);
        assertThat(join(store, "d")).extracting(StoreReply::outcome, StoreReply::number)
                .containsExactly(Outcome.JOINED, 3);
    }

    @Test
    void aLeaveByAnOlderIncarnationDoesNotRemoveTheNewOne() {
        var store = redis.store();
        join(store, "a");
        await(store.join("a", "a-2", LEASE, 0));

        assertThat(await(store.leave("a", "a-1", 0)).outcome()).isEqualTo(Outcome.ABSENT);
        assertThat(redis.sync().hget(redis.keys().members(), "a")).isEqualTo("1");
    }

    @Test
    void theEpochFloorKeepsEpochsGrowingAfterRedisForgetsEverything() {
        var store = redis.store();
        join(store, "a");
        redis.sync().del(redis.keys().all().toArray(String[]::new));

        StoreReply rejoined = await(store.join("a", "a-1", LEASE, 41));

        assertThat(rejoined.epoch()).isEqualTo(42);
    }

    @Test
    void theSnapshotReadsTheMapTotalAndLeasesAtOneInstant() {
        var store = redis.store();
        join(store, "a");
        join(store, "b");

        MembershipSnapshot snapshot = await(store.snapshot());

        assertThat(snapshot.numbersByName()).isEqualTo(Map.of("a", 1, "b", 2));
        assertThat(snapshot.storedTotal()).isEqualTo(2);
        assertThat(snapshot.epoch()).isEqualTo(2);
        assertThat(snapshot.members()).allSatisfy(m ->
                assertThat(m.leaseDeadlineMs()).isBetween(snapshot.redisTimeMs(), snapshot.redisTimeMs() + LEASE.toMillis()));
    }

    @Test
    void scriptsReloadAfterRedisFlushesThem() {
        var store = redis.store();
        join(store, "a");
        redis.sync().scriptFlush();

        assertThat(join(store, "b").number()).isEqualTo(2);
    }
}
