package io.mockstagram.pipeline.stats;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.mockstagram.config.Namespace;
import io.mockstagram.membership.store.LuaScript;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;

/**
 * What the pipeline did, per tick, kept in Redis for the dashboard: readings stored and
 * their lag (written by updaters), the dead letters so far (PostgreSQL holds them; this is
 * their count), and the batches the work queues refused when full.
 */
public final class PipelineStats {

    /** One tick as the updaters saw it. */
    public record TickStats(long tick, long readings, double lagAverageMs, long lagMaxMs) {
    }

    private static final LuaScript RECORD = LuaScript.fromResources(PipelineStats.class, "record.lua");

    private final RedisAsyncCommands<String, String> redis;
    private final String ticksKey;
    private final String deadLettersKey;
    private final String droppedKey;

    public PipelineStats(RedisAsyncCommands<String, String> redis, Namespace namespace) {
        this.redis = redis;
        this.ticksKey = namespace.redisKey("PIPELINE:TICKS");
        this.deadLettersKey = namespace.redisKey("PIPELINE:DEADLETTERS");
        this.droppedKey = namespace.redisKey("PIPELINE:DROPPED");
    }

    public CompletionStage<Long> recordBatch(long tick, int readings, long lagMs) {
        return RECORD.run(redis, ScriptOutputType.INTEGER, List.of(ticksKey), Long.toString(tick),
                Integer.toString(readings), Long.toString(Math.max(0, lagMs)));
    }

    public CompletionStage<Long> recordDeadLetters(int count) {
        return redis.incrby(deadLettersKey, count);
    }

    public CompletionStage<Long> deadLetters() {
        return redis.get(deadLettersKey).thenApply(value -> value == null ? 0L : Long.parseLong(value));
    }

    /** One batch a full work queue refused; {@code queue} is its field, e.g. "tasks". */
    public CompletionStage<Long> recordDrop(String queue) {
        return redis.hincrby(droppedKey, queue, 1);
    }

    /** Batches refused so far, by queue field. */
    public CompletionStage<Map<String, Long>> dropped() {
        return redis.hgetall(droppedKey).thenApply(fields -> {
            Map<String, Long> counts = new TreeMap<>();
            fields.forEach((queue, count) -> counts.put(queue, Long.parseLong(count)));
            return counts;
        });
    }

    /** The ticks on record, oldest first. */
    public CompletionStage<List<TickStats>> ticks() {
        return redis.hgetall(ticksKey).thenApply(PipelineStats::parse);
    }

    private static List<TickStats> parse(Map<String, String> fields) {
        Map<Long, long[]> byTick = new TreeMap<>();
        fields.forEach((field, value) -> {
            int colon = field.indexOf(':');
            long tick = Long.parseLong(field.substring(0, colon));
            long[] row = byTick.computeIfAbsent(tick, t -> new long[3]);
            switch (field.substring(colon + 1)) {
                case "readings" -> row[0] = Long.parseLong(value);
                case "lagsum" -> row[1] = Long.parseLong(value);
                case "lagmax" -> row[2] = Long.parseLong(value);
                default -> { }
            }
        });
        List<TickStats> ticks = new ArrayList<>();
        byTick.forEach((tick, row) -> ticks.add(new TickStats(tick, row[0], row[0] == 0 ? 0 : (double) row[1] / row[0], row[2])));
        return ticks;
    }
}
