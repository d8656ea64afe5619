package io.mockstagram.membership.store;

import io.mockstagram.membership.SharedRedis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.mockstagram.membership.MembershipKeys;
import io.mockstagram.membership.store.StoreReply.Outcome;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random histories of join, leave, expiry, restart and heartbeat, run against Redis and
 * against a plain model of the rules. After every step: the numbers are dense and unique,
 * at most one survivor moved and it moved from the top into the hole, and the epoch grew
 * exactly when the membership changed.
 */
class MembershipModelProperties {

    private static final Duration LEASE = Duration.ofMinutes(5);
    private static final List<String> NAMES = List.of("ann", "bob", "cat", "dan", "eve", "fay", "gus");

    private static RedisClient client;
    private static StatefulRedisConnection<String, String> connection;

    sealed interface Step permits Join, Leave, Expire, Restart, Heartbeat {
        String name();
    }

    record Join(String name) implements Step { }

    record Leave(String name) implements Step { }

    record Expire(String name) implements Step { }

    record Restart(String name) implements Step { }

    record Heartbeat(String name) implements Step { }

    /** The rules, written as plainly as possible. */
    static final class Model {
        final Map<String, Integer> numbers = new HashMap<>();
        final Map<String, Integer> incarnations = new HashMap<>();
        final Set<String> pending = new LinkedHashSet<>();
        long epoch;

        Outcome join(String name) {
            if (numbers.containsKey(name)) {
                pending.remove(name);
                return Outcome.KEPT;
            }
            if (!pending.isEmpty()) {
                return Outcome.WAIT;
            }
            numbers.put(name, numbers.size() + 1);
            incarnations.merge(name, 1, Integer::sum);
            epoch++;
            return Outcome.JOINED;
        }

        boolean remove(String name) {
            Integer freed = numbers.remove(name);
            if (freed == null) {
                return false;
            }
            pending.remove(name);
            int highest = numbers.size() + 1;
            if (freed < highest) {
                String top = numbers.entrySet().stream().filter(e -> e.getValue() == highest)
                        .findFirst().orElseThrow().getKey();
                numbers.put(top, freed);
                pending.add(top);
            }
            epoch++;
            return true;
        }
    }

    @BeforeContainer
    static void connect() {
        client = RedisClient.create(System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379"));
        connection = client.connect();
    }

    @AfterContainer
    static void disconnect() {
        connection.close();
        client.shutdown();
    }

    @Provide
    Arbitrary<List<Step>> histories() {
        Arbitrary<String> names = Arbitraries.of(NAMES);
        Arbitrary<Step> step = Arbitraries.frequencyOf(
                Tuple.of(5, names.map(Join::new)),
                Tuple.of(2, names.map(Leave::new)),
                Tuple.of(2, names.map(Expire::new)),
                Tuple.of(1, names.map(Restart::new)),
                Tuple.of(3, names.map(Heartbeat::new)));
        return step.list().ofMinSize(1).ofMaxSize(40);
    }

    @Property(tries = 150)
    void redisFollowsTheModelAndKeepsEveryInvariant(@ForAll("histories") List<Step> history) {
        var keys = new MembershipKeys("prop-" + UUID.randomUUID().toString().substring(0, 12));
        var store = new RedisMembershipStore(connection.async(), keys);
        SharedRedis.settledMap(connection.sync(), keys);
        var model = new Model();
        try {
            for (Step step : history) {
                Map<String, Integer> before = Map.copyOf(model.numbers);
                long epochBefore = model.epoch;
                apply(step, store, model, keys);

                MembershipSnapshot snapshot = await(store.snapshot());
                assertThat(snapshot.isDense()).as("dense after %s", step).isTrue();
                assertThat(snapshot.numbersByName()).as("matches the model after %s", step).isEqualTo(model.numbers);
                assertThat(snapshot.epoch()).as("epoch after %s", step).isEqualTo(model.epoch);
                assertMinimalMovement(before, model.numbers, step);
                boolean changed = !before.keySet().equals(model.numbers.keySet());
                assertThat(model.epoch).as("epoch grows exactly on a change").isEqualTo(changed ? epochBefore + 1 : epochBefore);
            }
        } finally {
            connection.sync().del(keys.all().toArray(String[]::new));
        }
    }

    private void apply(Step step, RedisMembershipStore store, Model model, MembershipKeys keys) {
        String name = step.name();
        String incarnation = name + "#" + model.incarnations.getOrDefault(name, 0);
        if (step instanceof Join) {
            Outcome expected = model.join(name);
            String current = name + "#" + model.incarnations.getOrDefault(name, 0);
            assertThat(await(store.join(name, current, LEASE, 0, "g")).outcome()).isEqualTo(expected);
        } else if (step instanceof Restart) {
            if (model.numbers.containsKey(name)) {
                model.incarnations.merge(name, 1, Integer::sum);
                String fresh = name + "#" + model.incarnations.get(name);
                assertThat(await(store.join(name, fresh, LEASE, 0, "g")).outcome()).isEqualTo(model.join(name));
            }
        } else if (step instanceof Leave) {
            boolean removed = model.remove(name);
            assertThat(await(store.leave(name, incarnation, 0)).outcome())
                    .isEqualTo(removed ? Outcome.LEFT : Outcome.ABSENT);
        } else if (step instanceof Expire) {
            if (model.numbers.containsKey(name)) {
                connection.sync().zadd(keys.leases(), 0, name);
            }
            boolean removed = model.remove(name);
            assertThat(await(store.evictExpired(null, 0)).evicted())
                    .isEqualTo(removed ? List.of(name) : List.of());
        } else if (step instanceof Heartbeat) {
            Outcome outcome = await(store.heartbeat(name, incarnation, LEASE, "", 0)).outcome();
            if (model.numbers.containsKey(name)) {
                model.pending.remove(name);
                assertThat(outcome).isEqualTo(Outcome.RENEWED);
            } else {
                assertThat(outcome).isEqualTo(Outcome.GONE);
            }
        }
    }

    private static void assertMinimalMovement(Map<String, Integer> before, Map<String, Integer> after, Step step) {
        List<String> moved = after.keySet().stream()
                .filter(before::containsKey)
                .filter(name -> !before.get(name).equals(after.get(name)))
                .toList();
        assertThat(moved).as("at most one survivor moves after %s", step).hasSizeLessThanOrEqualTo(1);
        for (String name : moved) {
            assertThat(before.get(name)).as("only the highest moves").isEqualTo(before.size());
            String departed = before.keySet().stream().filter(n -> !after.containsKey(n)).findFirst().orElseThrow();
            assertThat(after.get(name)).as("into the freed number").isEqualTo(before.get(departed));
        }
    }

    private static <T> T await(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }
}
