package io.mockstagram.membership.store;

import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.Limit;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.mockstagram.membership.MembershipKeys;
import io.mockstagram.membership.store.MembershipSnapshot.MemberLease;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;

/**
 * Every membership change, each one Lua script so that Redis applies it atomically and
 * against its own clock. Asynchronous and thread-safe; one instance may serve many members.
 */
public final class RedisMembershipStore {

    private static final LuaScript JOIN = script("join.lua");
    private static final LuaScript HEARTBEAT = script("heartbeat.lua");
    private static final LuaScript LEAVE = script("leave.lua");
    private static final LuaScript EVICT = script("evict.lua");
    private static final LuaScript SNAPSHOT = script("snapshot.lua");
    private static final LuaScript REPAIR = script("repair.lua");

    private final RedisAsyncCommands<String, String> redis;
    private final MembershipKeys keys;
    private final List<String> evictKeys;

    public RedisMembershipStore(RedisAsyncCommands<String, String> redis, MembershipKeys keys) {
        this.redis = redis;
        this.keys = keys;
        var withLeader = new ArrayList<>(keys.scriptKeys());
        withLeader.add(keys.leader());
        this.evictKeys = List.copyOf(withLeader);
    }

    private static LuaScript script(String name) {
        return LuaScript.fromResources(RedisMembershipStore.class, "prelude.lua", name);
    }

    /** Loads every script into Redis, so that the first join costs one round trip rather than two. */
    public CompletionStage<Void> preload() {
        return CompletableFuture.allOf(Stream.of(JOIN, HEARTBEAT, LEAVE, EVICT, SNAPSHOT, REPAIR)
                .map(script -> script.load(redis).toCompletableFuture())
                .toArray(CompletableFuture[]::new));
    }

    public MembershipKeys keys() {
        return keys;
    }

    /**
     * Takes the next number, or keeps the one the name already holds. A join into an empty
     * Redis, or into a map older than {@code epochFloor}, starts a new generation
     * {@code newGeneration} whose epochs begin above the floor.
     */
    public CompletionStage<StoreReply> join(String name, String incarnation, Duration lease, long epochFloor,
                                            String newGeneration) {
        return reply(JOIN, name, incarnation, Long.toString(lease.toMillis()), Long.toString(epochFloor), newGeneration);
    }

    /**
     * Renews the lease and reports the current number, provided the map is still of
     * {@code generation} ('' accepts any) and not older than {@code epochFloor}.
     */
    public CompletionStage<StoreReply> heartbeat(String name, String incarnation, Duration lease, String generation,
                                                 long epochFloor) {
        return reply(HEARTBEAT, name, incarnation, Long.toString(lease.toMillis()), generation, Long.toString(epochFloor));
    }

    /**
     * The rebuild path: replaces a map that is inconsistent, or older than {@code epochFloor},
     * with an empty one of generation {@code newGeneration}; leaves a sound map alone.
     */
    public CompletionStage<StoreReply> repair(long epochFloor, String newGeneration) {
        return reply(REPAIR, Long.toString(epochFloor), newGeneration);
    }

    /**
     * Removes the member if {@code incarnation} still holds the name ({@code null} removes
     * whoever holds it), moving the highest-numbered member into the hole.
     */
    public CompletionStage<StoreReply> leave(String name, String incarnation, long epochFloor) {
        return leave(name, incarnation, epochFloor, 0);
    }

    /**
     * As {@link #leave(String, String, long)}, recording in the changelog that the member
     * stopped its work at {@code stoppedAtMs} (0 when it does not say).
     */
    public CompletionStage<StoreReply> leave(String name, String incarnation, long epochFloor, long stoppedAtMs) {
        return reply(LEAVE, name, incarnation == null ? "" : incarnation, Long.toString(epochFloor),
                stoppedAtMs > 0 ? Long.toString(stoppedAtMs) : "");
    }

    /**
     * Evicts every member whose lease has run out by Redis time, provided {@code leaderId}
     * holds the leader lease ({@code null} skips that check) and the map is not older than
     * {@code epochFloor}; new epochs start above the floor.
     */
    public CompletionStage<Eviction> evictExpired(String leaderId, long epochFloor) {
        CompletionStage<List<Object>> raw = EVICT.run(redis, ScriptOutputType.MULTI, evictKeys,
                leaderId == null ? "" : leaderId, Long.toString(epochFloor));
        return raw.thenApply(Eviction::parse);
    }

    public CompletionStage<MembershipSnapshot> snapshot() {
        CompletionStage<List<Object>> raw = SNAPSHOT.run(redis, ScriptOutputType.MULTI, keys.scriptKeys());
        return raw.thenApply(RedisMembershipStore::parseSnapshot);
    }

    /** Changelog entries after {@code afterId} ({@code null} for the start), oldest first. */
    public CompletionStage<List<MembershipChange>> changesAfter(String afterId, int max) {
        Range<String> range = afterId == null
                ? Range.create("-", "+")
                : Range.from(Range.Boundary.excluding(afterId), Range.Boundary.unbounded());
        return redis.xrange(keys.changes(), range, Limit.from(max))
                .thenApply(messages -> messages.stream().map(RedisMembershipStore::parseChange).toList());
    }

    /** The newest {@code max} changelog entries, oldest first. */
    public CompletionStage<List<MembershipChange>> latestChanges(int max) {
        return redis.xrevrange(keys.changes(), Range.create("-", "+"), Limit.from(max))
                .thenApply(messages -> {
                    List<MembershipChange> changes = new ArrayList<>(messages.size());
                    for (int i = messages.size() - 1; i >= 0; i--) {
                        changes.add(parseChange(messages.get(i)));
                    }
                    return changes;
                });
    }

    private CompletionStage<StoreReply> reply(LuaScript script, String... args) {
        CompletionStage<List<Object>> raw = script.run(redis, ScriptOutputType.MULTI, keys.scriptKeys(), args);
        return raw.thenApply(StoreReply::parse);
    }

    @SuppressWarnings("unchecked")
    private static MembershipSnapshot parseSnapshot(List<Object> raw) {
        long epoch = (Long) raw.get(0);
        int storedTotal = Math.toIntExact((Long) raw.get(1));
        long now = (Long) raw.get(2);
        List<Object> numbers = (List<Object>) raw.get(3);
        List<Object> leases = (List<Object>) raw.get(4);
        Map<String, Long> deadlines = new HashMap<>();
        for (int i = 0; i < leases.size(); i += 2) {
            deadlines.put((String) leases.get(i), (long) Double.parseDouble((String) leases.get(i + 1)));
        }
        List<MemberLease> members = new ArrayList<>();
        for (int i = 0; i < numbers.size(); i += 2) {
            String name = (String) numbers.get(i);
            members.add(new MemberLease(name, Integer.parseInt((String) numbers.get(i + 1)),
                    deadlines.getOrDefault(name, 0L)));
        }
        return new MembershipSnapshot(epoch, storedTotal, now, members, (String) raw.get(5));
    }

    private static MembershipChange parseChange(StreamMessage<String, String> message) {
        Map<String, String> body = message.getBody();
        String moved = body.getOrDefault("moved", "");
        Optional<MembershipChange.Move> move = moved.isEmpty()
                ? Optional.empty()
                : Optional.of(new MembershipChange.Move(moved,
                        Integer.parseInt(body.get("from")), Integer.parseInt(body.get("to"))));
        return new MembershipChange(message.getId(),
                Long.parseLong(body.get("epoch")),
                MembershipChange.Kind.valueOf(body.get("kind")),
                body.get("name"),
                Integer.parseInt(body.get("number")),
                Integer.parseInt(body.get("total")),
                move,
                body.getOrDefault("generation", ""),
                millis(body.get("at")),
                millis(body.get("since")));
    }

    private static long millis(String value) {
        if (value == null || value.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
