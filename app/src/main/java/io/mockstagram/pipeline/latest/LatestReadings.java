package io.mockstagram.pipeline.latest;

import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.mockstagram.config.Namespace;
import io.mockstagram.membership.store.LuaScript;
import io.mockstagram.pipeline.ReadingBatch;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;

/**
 * What the updaters keep in Redis so that the query API never scans all influencers: each
 * influencer's latest reading and running average, the rank order, the average of the
 * latest follower counts, coverage per tick and the suspicious flag. A whole batch is one
 * Lua script, applied atomically and at most once per (pk, tick). Asynchronous and
 * thread-safe; one instance may serve many callers.
 */
public final class LatestReadings {

    /** Readings per script call; see {@link #apply}. */
    static final int SLICE = 100;

    private static final LuaScript APPLY = script("apply.lua");
    private static final LuaScript INFLUENCER = script("influencer.lua");
    private static final LuaScript SUSPICIOUS = script("suspicious.lua");

    private final RedisAsyncCommands<String, String> redis;
    private final LatestKeys keys;
    private final List<String> scriptKeys;

    public LatestReadings(RedisAsyncCommands<String, String> redis, Namespace namespace) {
        this.redis = redis;
        this.keys = LatestKeys.of(namespace);
        this.scriptKeys = keys.all();
    }

    private static LuaScript script(String name) {
        return LuaScript.fromResources(LatestReadings.class, "prelude.lua", name);
    }

    /** Loads every script into Redis, so that the first batch costs one round trip rather than two. */
    public CompletionStage<Void> preload() {
        return CompletableFuture.allOf(Stream.of(APPLY, INFLUENCER, SUSPICIOUS)
                .map(script -> script.load(redis).toCompletableFuture())
                .toArray(CompletableFuture[]::new));
    }

    public LatestKeys keys() {
        return keys;
    }

    /** Applies a batch; applying it again, whole or in part, changes nothing. */
    public CompletionStage<BatchOutcome> apply(ReadingBatch batch) {
        if (batch.size() == 0) {
            return CompletableFuture.completedFuture(BatchOutcome.NOTHING);
        }
        // Redis runs one script at a time: a 1000-reading call would hold every query for some
        // 15-20 ms. Slices keep each call short, and each is sent only when the one before has
        // returned: pipelined, they would sit in one client buffer and run back to back all the
        // same. A batch needs no atomicity of its own, since each (pk, tick) is counted once.
        return applySlices(batch, 0, BatchOutcome.NOTHING);
    }

    private CompletionStage<BatchOutcome> applySlices(ReadingBatch batch, int from, BatchOutcome sofar) {
        if (from >= batch.size()) {
            return CompletableFuture.completedFuture(sofar);
        }
        CompletionStage<List<Object>> raw = APPLY.run(redis, ScriptOutputType.MULTI, scriptKeys,
                BatchArguments.of(batch.slice(from, Math.min(batch.size(), from + SLICE))));
        return raw.thenCompose(reply -> applySlices(batch, from + SLICE, sofar.plus(BatchOutcome.parse(reply))));
    }

    /**
     * Stores a classification unless a newer one (by {@code at}) is there already; completes
     * with whether it was stored.
     */
    public CompletionStage<Boolean> recordSuspicious(int pk, boolean suspicious, Instant at) {
        CompletionStage<Long> raw = SUSPICIOUS.run(redis, ScriptOutputType.INTEGER, scriptKeys,
                Integer.toString(pk), suspicious ? "1" : "0", Long.toString(at.toEpochMilli()));
        return raw.thenApply(stored -> stored == 1);
    }

    /** The influencer's latest reading, rank and averages; empty when it has no reading. O(log N). */
    public CompletionStage<Optional<InfluencerLatest>> influencer(int pk) {
        CompletionStage<List<Object>> raw = INFLUENCER.run(redis, ScriptOutputType.MULTI, scriptKeys,
                Integer.toString(pk));
        return raw.thenApply(reply -> InfluencerLatest.parse(pk, reply));
    }

    /** How many influencers are tracked and the mean of their latest follower counts. O(1). */
    public CompletionStage<LatestStats> stats() {
        return redis.hmget(keys.totals(), "sum", "count").thenApply(values ->
                LatestStats.of(longOrZero(values.get(0)), longOrZero(values.get(1))));
    }

    /** How many distinct pks got a reading for {@code tick}; 0 once the tick is too old to be kept. O(1). */
    public CompletionStage<Long> coverage(long tick) {
        return redis.hget(keys.coverage(), Long.toString(tick)).thenApply(count -> count == null ? 0 : Long.parseLong(count));
    }

    private static long longOrZero(KeyValue<String, String> value) {
        return value.hasValue() ? Long.parseLong(value.getValue()) : 0;
    }
}
