package io.mockstagram.membership.store;

import io.mockstagram.membership.SharedRedis;
import io.mockstagram.membership.store.MembershipChange.Kind;
import io.mockstagram.membership.store.MembershipChange.Move;
import io.mockstagram.membership.store.StoreReply.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import static org.assertj.core.api.Assertions.assertThat;

class RedisMembershipStoreTest {

    private static final Duration LEASE = Duration.ofSeconds(30);

    @RegisterExtension
    final SharedRedis redis = new SharedRedis();

    /** The parts of a reply these tests pin down; the generation and its age vary. */
    private static StoreReply reply(Outcome outcome, int number, int total, long epoch) {
        return new StoreReply(outcome, number, total, epoch, 0, "settled", 0, "");
    }

    private static StoreReply comparable(StoreReply reply) {
        return new StoreReply(reply.outcome(), reply.number(), reply.total(), reply.epoch(), reply.waitMillis(),
                reply.generation(), 0, reply.detail());
    }

    private <T> T await(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    private StoreReply join(RedisMembershipStore store, String name) {
        return comparable(await(store.join(name, name + "-1", LEASE, 0, "g2")));
    }

    @Test
    void membersJoiningInTurnTakeTheNextNumberAndTheEpochGrows() {
        var store = redis.store();

        assertThat(join(store, "a")).isEqualTo(reply(Outcome.JOINED, 1, 1, 1));
        assertThat(join(store, "b")).isEqualTo(reply(Outcome.JOINED, 2, 2, 2));
        assertThat(join(store, "c")).isEqualTo(reply(Outcome.JOINED, 3, 3, 3));

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

        StoreReply again = comparable(await(store.join("a", "a-2", LEASE, 0, "g2")));

        assertThat(again).isEqualTo(reply(Outcome.KEPT, 1, 2, 2));
        assertThat(await(store.heartbeat("a", "a-1", LEASE, "", 0)).outcome())
                .as("the old incarnation is superseded").isEqualTo(Outcome.SUPERSEDED);
        assertThat(await(store.heartbeat("a", "a-2", LEASE, "", 0)).outcome()).isEqualTo(Outcome.RENEWED);
    }

    @Test
    void onlyExpiredLeasesAreEvicted() {
        var store = redis.store();
        join(store, "a");
        join(store, "b");
        join(store, "c");
        redis.expireLease("a");

        assertThat(await(store.evictExpired(null, 0)).evicted()).containsExactly("a");

        assertThat(redis.sync().hgetall(redis.keys().members())).isEqualTo(Map.of("c", "1", "b", "2"));
        assertThat(await(store.heartbeat("a", "a-1", LEASE, "", 0)).outcome()).isEqualTo(Outcome.GONE);
        assertThat(await(store.changesAfter(null, 100))).last().extracting(MembershipChange::kind).isEqualTo(Kind.EVICTED);
    }

    @Test
    void theChangelogSaysWhenEachChangeWasMadeAndSinceWhenADepartedMembersWorkMayBeMissing() {
        var store = redis.store();
        join(store, "a");
        join(store, "b");
        join(store, "c");
        long renewedAt = redisMillis();
        await(store.heartbeat("a", "a-1", LEASE, "", 0));
        long renewedBy = redisMillis();
        redis.expireLease("a");
        await(store.evictExpired(null, 0));
        await(store.leave("b", "b-1", 0, 1_234_567));

        List<MembershipChange> latest = await(store.latestChanges(2));

        assertThat(latest).extracting(MembershipChange::kind).containsExactly(Kind.EVICTED, Kind.LEFT);
        assertThat(latest.get(0).missedSinceMs()).as("the crashed member's last renewal").isBetween(renewedAt, renewedBy);
        assertThat(latest.get(1).missedSinceMs()).as("the time the leaving member gave").isEqualTo(1_234_567);
        assertThat(latest).allSatisfy(change -> assertThat(change.atMs()).isBetween(renewedAt, redisMillis()));
        assertThat(await(store.changesAfter(null, 100))).first()
                .satisfies(joined -> assertThat(joined.missedSinceMs()).as("a join misses nothing").isZero());
    }

    private long redisMillis() {
        List<String> time = redis.sync().time();
        return Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
    }

    @Test
    void evictionNeedsTheLeaderLeaseWhenALeaderIsNamed() {
        var store = redis.store();
        join(store, "a");
        redis.expireLease("a");
        redis.sync().set(redis.keys().leader(), "nurse-1");

        assertThat(await(store.evictExpired("nurse-2", 0)).leader()).isFalse();
        assertThat(await(store.evictExpired("nurse-1", 0)).evicted()).containsExactly("a");
    }

    @Test
    void anEvictionPassTellsHowLongUntilTheNextLeaseCanRunOut() {
        var store = redis.store();
        assertThat(await(store.evictExpired(null, 0)).nextExpiry()).isEmpty();
        join(store, "a");

        Eviction pass = await(store.evictExpired(null, 0));

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

        assertThat(await(store.heartbeat("c", "c-1", LEASE, "", 0)).number()).isEqualTo(1);
        assertThat(join(store, "d")).extracting(StoreReply::outcome, StoreReply::number)
                .containsExactly(Outcome.JOINED, 3);
    }

    @Test
    void aLeaveByAnOlderIncarnationDoesNotRemoveTheNewOne() {
        var store = redis.store();
        join(store, "a");
        await(store.join("a", "a-2", LEASE, 0, "g2"));

        assertThat(await(store.leave("a", "a-1", 0)).outcome()).isEqualTo(Outcome.ABSENT);
        assertThat(redis.sync().hget(redis.keys().members(), "a")).isEqualTo("1");
    }

    @Test
    void theEpochFloorKeepsEpochsGrowingAfterRedisForgetsEverything() {
        var store = redis.store();
        join(store, "a");
        redis.sync().del(redis.keys().all().toArray(String[]::new));

        StoreReply rejoined = await(store.join("a", "a-1", LEASE, 41, "g2"));

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

    // ---- when Redis forgets, or remembers too little

    /** Every membership key as DUMP serializes it: equal before and after means nothing was written. */
    private List<String> dumpAll() {
        return redis.keys().all().stream()
                .map(key -> Optional.ofNullable(redis.sync().dump(key)).map(Base64.getEncoder()::encodeToString).orElse("-"))
                .toList();
    }

    @Test
    void aJoinIntoAnEmptyRedisStartsANewGenerationAboveTheEpochFloor() {
        redis.sync().del(redis.keys().all().toArray(String[]::new));

        StoreReply joined = await(redis.store().join("a", "a-1", LEASE, 41, "fresh"));

        assertThat(joined.outcome()).isEqualTo(Outcome.JOINED);
        assertThat(joined.epoch()).isEqualTo(42);
        assertThat(joined.generation()).isEqualTo("fresh");
        assertThat(joined.generationAgeMillis()).isBetween(0L, 1000L);
        assertThat(await(redis.store().snapshot()).generation()).isEqualTo("fresh");
    }

    @Test
    void aHeartbeatIntoAnotherGenerationRenewsNothing() {
        var store = redis.store();
        join(store, "a");
        List<String> before = dumpAll();

        assertThat(await(store.heartbeat("a", "a-1", LEASE, "forgotten", 0)).outcome()).isEqualTo(Outcome.FOREIGN);
        assertThat(dumpAll()).isEqualTo(before);
        assertThat(await(store.heartbeat("a", "a-1", LEASE, "settled", 0)).outcome()).isEqualTo(Outcome.RENEWED);
    }

    @Test
    void aMapOlderThanTheFloorIsRefusedByEveryChangeAndRebuiltByAJoin() {
        var store = redis.store();
        join(store, "a");
        join(store, "b");
        redis.expireLease("a");
        List<String> before = dumpAll();

        assertThat(await(store.heartbeat("b", "b-1", LEASE, "settled", 5)).outcome()).isEqualTo(Outcome.FOREIGN);
        assertThat(await(store.leave("b", "b-1", 5)).outcome()).isEqualTo(Outcome.FOREIGN);
        assertThat(await(store.evictExpired(null, 5)).outcome()).isEqualTo(Eviction.Outcome.OLDER_MAP);
        assertThat(dumpAll()).as("nothing written").isEqualTo(before);

        StoreReply rebuilt = await(store.join("c", "c-1", LEASE, 5, "rebuilt"));
        assertThat(rebuilt).extracting(StoreReply::outcome, StoreReply::number, StoreReply::total, StoreReply::epoch,
                StoreReply::generation).containsExactly(Outcome.JOINED, 1, 1, 7L, "rebuilt");
        assertThat(redis.sync().hgetall(redis.keys().members())).isEqualTo(Map.of("c", "1"));
    }

    static Stream<Arguments> corruptions() {
        return Stream.of(
                Arguments.of("TOTAL missing", (Consumer<SharedRedis>) r -> r.sync().del(r.keys().total())),
                Arguments.of("TOTAL present, hash missing", (Consumer<SharedRedis>) r -> r.sync().del(r.keys().members())),
                Arguments.of("a number outside 1..TOTAL",
                        (Consumer<SharedRedis>) r -> r.sync().hset(r.keys().members(), "b", "7")),
                Arguments.of("two members on one number",
                        (Consumer<SharedRedis>) r -> r.sync().hset(r.keys().members(), "b", "1")),
                Arguments.of("NUMBERS lost", (Consumer<SharedRedis>) r -> r.sync().del(r.keys().numbers())),
                Arguments.of("members without an epoch", (Consumer<SharedRedis>) r -> r.sync().del(r.keys().epoch())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corruptions")
    void inconsistentKeysAreRefusedWithoutWritingAnythingAndRepairRebuildsThem(String what, Consumer<SharedRedis> corrupt) {
        var store = redis.store();
        join(store, "a");
        join(store, "b");
        redis.expireLease("a");
        corrupt.accept(redis);
        List<String> before = dumpAll();

        assertThat(await(store.join("c", "c-1", LEASE, 0, "g2")).outcome()).isEqualTo(Outcome.INCONSISTENT);
        assertThat(await(store.heartbeat("b", "b-1", LEASE, "", 0)).outcome()).isEqualTo(Outcome.INCONSISTENT);
        assertThat(await(store.leave("b", "b-1", 0)).outcome()).isEqualTo(Outcome.INCONSISTENT);
        assertThat(await(store.evictExpired(null, 0)).outcome()).isEqualTo(Eviction.Outcome.INCONSISTENT);
        assertThat(dumpAll()).as("nothing written").isEqualTo(before);

        StoreReply repaired = await(store.repair(2, "rebuilt"));
        assertThat(repaired.outcome()).isEqualTo(Outcome.REPAIRED);
        assertThat(repaired.detail()).isNotBlank();
        assertThat(repaired.epoch()).as("above every epoch seen").isGreaterThan(2);
        MembershipSnapshot empty = await(store.snapshot());
        assertThat(empty.isDense()).isTrue();
        assertThat(empty.total()).isZero();
        assertThat(empty.generation()).isEqualTo("rebuilt");
        assertThat(await(store.repair(2, "again")).outcome()).as("a sound map is left alone").isEqualTo(Outcome.CONSISTENT);
        assertThat(join(store, "c")).extracting(StoreReply::outcome, StoreReply::number).containsExactly(Outcome.JOINED, 1);
    }
}
