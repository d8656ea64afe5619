package io.mockstagram.nurse;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.mockstagram.membership.store.Eviction;
import io.mockstagram.membership.store.LuaScript;
import io.mockstagram.membership.store.MembershipChange;
import io.mockstagram.membership.store.RedisMembershipStore;
import io.mockstagram.membership.store.StoreReply;

import java.util.List;
import java.util.concurrent.CompletionStage;

/** The Redis calls the acting nurse makes, each answered asynchronously. */
interface DutyStore {

    CompletionStage<Eviction> evictExpired(String nurseId);

    CompletionStage<StoreReply> leave(String name, String incarnation, long epoch);

    CompletionStage<List<MembershipChange>> changesAfter(String changeId, int max);

    /** The id of the last change any acting nurse announced, or null. */
    CompletionStage<String> relayed();

    /** Records {@code changeId} as announced, provided {@code nurseId} still holds the leader lease. */
    CompletionStage<Boolean> markRelayed(String nurseId, String changeId);

    static DutyStore redis(RedisMembershipStore store, RedisAsyncCommands<String, String> redis) {
        LuaScript markRelayed = LuaScript.fromResources(DutyStore.class, "mark-relayed.lua");
        return new DutyStore() {
            @Override
            public CompletionStage<Eviction> evictExpired(String nurseId) {
                return store.evictExpired(nurseId);
            }

            @Override
            public CompletionStage<StoreReply> leave(String name, String incarnation, long epoch) {
                return store.leave(name, incarnation, epoch);
            }

            @Override
            public CompletionStage<List<MembershipChange>> changesAfter(String changeId, int max) {
                return store.changesAfter(changeId, max);
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
