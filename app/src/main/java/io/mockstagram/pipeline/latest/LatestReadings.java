package io.mockstagram.pipeline.latest;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.mockstagram.config.Namespace;
import io.mockstagram.membership.store.LuaScript;
import io.mockstagram.pipeline.Verdict;
import io.mockstagram.pipeline.timeseries.AggregateRows;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;

/**
 * The Redis view the query API reads so that it never scans all influencers: each
 * influencer's latest reading and average, the rank order, the average of the latest follower
 * counts, coverage per interval and the suspicious flags. Every entry is a copy of a row of
 * PostgreSQL's aggregate table (see prelude.lua), so the whole view can be rebuilt from there
 * ({@link ViewRebuilder}) while updaters keep writing to it. Asynchronous and thread-safe; one
 * instance may serve many callers.
 */
public final class LatestReadings {

    /** Rows per script call on the live path; see {@link #apply}. */
    static final int SLICE = 100;

    private static final LuaScript APPLY = script("apply.lua");
    private static final LuaScript INFLUENCER = script("influencer.lua");
    private static final LuaScript STATS = script("stats.lua");
    private static final LuaScript SUSPICIOUS = script("suspicious.lua");
    private static final LuaScript BUILT = script("built.lua");
    private static final LuaScript RENEW = script("renew.lua");

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
        return CompletableFuture.allOf(Stream.of(APPLY, INFLUENCER, STATS, SUSPICIOUS, BUILT, RENEW)
                .map(script -> script.load(redis).toCompletableFuture())
                .toArray(CompletableFuture[]::new));
    }

    public LatestKeys keys() {
        return keys;
    }

    /**
     * Copies aggregate rows into the view, keeping per pk whichever row has the most readings;
     * {@code newReadings} readings scheduled at {@code scheduledAtMs} count towards that
     * interval's coverage. Applying rows again, or older ones, changes nothing.
     */
    public CompletionStage<BatchOutcome> apply(long scheduledAtMs, int newReadings, AggregateRows rows) {
        if (rows.size() == 0) {
            return CompletableFuture.completedFuture(BatchOutcome.NOTHING);
        }
        // Redis runs one script at a time: a 1000-row call would hold every query for some
        // 15-20 ms. Slices keep each call short, and each is sent only when the one before has
        // returned: pipelined, they would sit in one client buffer and run back to back all the
        // same. Rows need no atomicity across slices, since each is kept by its reading count.
        return applySlices(scheduledAtMs, newReadings, rows, SLICE, 0, BatchOutcome.NOTHING);
    }

    /** {@link #apply} in one script call: for the rebuild, when queries answer "rebuilding" anyway. */
    CompletionStage<BatchOutcome> applyWhole(AggregateRows rows) {
        return applySlices(0, 0, rows, rows.size(), 0, BatchOutcome.NOTHING);
    }

    private CompletionStage<BatchOutcome> applySlices(long scheduledAtMs, int newReadings, AggregateRows rows, int slice,
                                                      int from, BatchOutcome sofar) {
        if (from >= rows.size()) {
            return CompletableFuture.completedFuture(sofar);
        }
        // Coverage rides with the first slice only, so that it is counted once.
        CompletionStage<List<Object>> raw = APPLY.run(redis, ScriptOutputType.MULTI, scriptKeys,
                BatchArguments.of(scheduledAtMs, from == 0 ? newReadings : 0,
                        rows.slice(from, Math.min(rows.size(), from + slice))));
        return raw.thenCompose(reply -> applySlices(scheduledAtMs, newReadings, rows, slice, from + slice,
                sofar.plus(BatchOutcome.parse(reply))));
    }

    /** Stores classifications, each unless a newer one (by its time) is there already; completes with how many were stored. */
    public CompletionStage<Long> recordVerdicts(List<Verdict> verdicts) {
        if (verdicts.isEmpty()) {
            return CompletableFuture.completedFuture(0L);
        }
        return SUSPICIOUS.run(redis, ScriptOutputType.INTEGER, scriptKeys, BatchArguments.of(verdicts));
    }

    /**
     * The influencer's latest reading, rank and averages; empty when it has no reading; fails
     * with {@link ViewRebuildingException} while the view is not built. O(log N).
     */
    public CompletionStage<Optional<InfluencerLatest>> influencer(int pk) {
        CompletionStage<List<Object>> raw = INFLUENCER.run(redis, ScriptOutputType.MULTI, scriptKeys,
                Integer.toString(pk));
        return raw.thenApply(reply -> InfluencerLatest.parse(pk, reply));
    }

    /**
     * How many influencers are tracked and the mean of their latest follower counts; fails
     * with {@link ViewRebuildingException} while the view is not built. O(1).
     */
    public CompletionStage<LatestStats> stats() {
        CompletionStage<List<Object>> raw = STATS.run(redis, ScriptOutputType.MULTI, scriptKeys);
        return raw.thenApply(reply -> {
            if ((Long) reply.get(0) != 1) {
                throw new ViewRebuildingException();
            }
            return LatestStats.of((Long) reply.get(1), (Long) reply.get(2));
        });
    }

    /** Whether the view is complete: built, and not wiped since. */
    public CompletionStage<Boolean> isBuilt() {
        return redis.get(keys.built()).thenApply(ViewFormat.VERSION::equals);
    }

    /** How many pks got a new reading for the interval starting at {@code scheduledAtMs}; 0 once it is too old to be kept. O(1). */
    public CompletionStage<Long> coverage(long scheduledAtMs) {
        return redis.hget(keys.coverage(), Long.toString(scheduledAtMs))
                .thenApply(count -> count == null ? 0 : Long.parseLong(count));
    }

    /** Takes the rebuild lock for {@code lease}; completes with whether it was free. */
    CompletionStage<Boolean> lockRebuild(String token, Duration lease) {
        return redis.set(keys.building(), token, SetArgs.Builder.nx().px(lease.toMillis())).thenApply("OK"::equals);
    }

    /** Extends the rebuild lock; completes with false when the rebuild no longer holds it. */
    CompletionStage<Boolean> renewRebuild(String token, Duration lease) {
        CompletionStage<Long> raw = RENEW.run(redis, ScriptOutputType.INTEGER, scriptKeys, token,
                Long.toString(lease.toMillis()));
        return raw.thenApply(held -> held == 1);
    }

    /** Marks the view built if the rebuild still holds the lock; completes with whether it did. */
    CompletionStage<Boolean> markBuilt(String token) {
        CompletionStage<Long> raw = BUILT.run(redis, ScriptOutputType.INTEGER, scriptKeys, token);
        return raw.thenApply(marked -> marked == 1);
    }

    /** Deletes the keys of the format before this one (keyed by tick index). */
    CompletionStage<Long> dropLegacy() {
        return redis.unlink(keys.legacy().toArray(String[]::new));
    }
}
