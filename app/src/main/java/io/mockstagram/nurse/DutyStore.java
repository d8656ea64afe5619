package io.mockstagram.nurse;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.mockstagram.events.EpochFloor;
import io.mockstagram.membership.store.Eviction;
import io.mockstagram.membership.store.LuaScript;
import io.mockstagram.membership.store.MembershipChange;
import io.mockstagram.membership.store.RedisMembershipStore;
import io.mockstagram.membership.store.StoreReply;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/** The Redis calls the acting nurse makes, each answered asynchronously. */
interface DutyStore {

    /** Evicts members whose lease ran out; refuses a map older than the epoch floor, or inconsistent. */
    CompletionStage<Eviction> evictExpired(String nurseId);

    /** Rebuilds a map no member can trust, in a new generation above the epoch floor; its members rejoin. */
    CompletionStage<StoreReply> repair();

    /** Removes a producer that announced its stop; {@code stoppedWorkAtMs} is when its work stopped (0: unknown). */
    CompletionStage<StoreReply> leave(String name, String incarnation, long epoch, long stoppedWorkAtMs);

    CompletionStage<List<MembershipChange>> changesAfter(String changeId, int max);

    /** The id of the last change any acting nurse announced, or null. */
    CompletionStage<String> relayed();

    /** Records {@code changeId} as announced, provided {@code nurseId} still holds the leader lease. */
    CompletionStage<Boolean> markRelayed(String nurseId, String changeId);

    /**
     * The calls against Redis, each held to {@code floor}: every epoch the nurse sees raises
     * it, and every change it is about to announce raises the durable copy first.
     */
    static DutyStore redis(RedisMembershipStore store, RedisAsyncCommands<String, String> redis, EpochFloor floor) {
        LuaScript markRelayed = LuaScript.fromResources(DutyStore.class, "mark-relayed.lua");
        return new DutyStore() {
            @Override
            public CompletionStage<Eviction> evictExpired(String nurseId) {
                return store.evictExpired(nurseId, floor.current()).thenApply(pass -> {
                    if (pass.leader()) {
                        floor.observe(pass.epoch());
                    }
                    return pass;
                });
            }

            @Override
            public CompletionStage<StoreReply> repair() {
                return store.repair(floor.current(), UUID.randomUUID().toString()).thenApply(reply -> {
                    floor.observe(reply.epoch());
                    return reply;
                });
            }

            @Override
            public CompletionStage<StoreReply> leave(String name, String incarnation, long epoch, long stoppedWorkAtMs) {
                return store.leave(name, incarnation, Math.max(epoch, floor.current()), stoppedWorkAtMs);
            }

            @Override
            public CompletionStage<List<MembershipChange>> changesAfter(String changeId, int max) {
                return store.changesAfter(changeId, max).thenApply(changes -> {
                    changes.stream().mapToLong(MembershipChange::epoch).max().ifPresent(floor::raise);
                    return changes;
                });
            }

            @Override
            public CompletionStage<String> relayed() {
                return redis.get(store.keys().relayed());
            }

            @Override
            public CompletionStage<Boolean> markRelayed(String nurseId, String changeId) {
                return markRelayed.<Long>run(redis, ScriptOutputType.INTEGER,
                                List.of(store.keys().leader(), store.keys().relayed()), nurseId, changeId)
                        .thenApply(marked -> marked == 1L);
            }
        };
    }
}
