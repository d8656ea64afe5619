package io.mockstagram.bench;

import io.mockstagram.infra.Json;
import io.mockstagram.membership.store.MembershipSnapshot;
import io.mockstagram.membership.store.RedisMembershipStore;
import io.mockstagram.producer.ProducerStatus;
import io.vertx.core.Future;
import io.vertx.ext.web.client.WebClient;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Watches a cluster until every producer's {@code /status} agrees with Redis: each one
 * ACTIVE with the number and total Redis holds for it, and no one else in Redis.
 *
 * <p>On a two-core machine, polling hard enough to time a change to the millisecond would
 * itself slow the change down. So the probe polls gently, and once all agree it takes the
 * moment of agreement from the producers themselves: the latest {@code assignedAt} among
 * them is when the last one took its final assignment.
 */
public final class ClusterProbe {

    private static final Duration POLL = Duration.ofMillis(20);

    private record Expected(int number, int total) {
    }

    private final WebClient http;
    private final RedisMembershipStore store;

    public ClusterProbe(WebClient http, RedisMembershipStore store) {
        this.http = http;
        this.store = store;
    }

    /**
     * Polls until converged; returns how long after {@code since} the last producer took its
     * final assignment, or empty if they do not agree within {@code limit}.
     */
    public Optional<Duration> awaitConverged(Map<String, Integer> producers, Instant since, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() - deadline < 0) {
            Optional<Map<String, Expected>> expected = finalMap(producers);
            if (expected.isPresent()) {
                Map<String, Optional<ProducerStatus>> statuses = statuses(producers);
                Instant latest = since;
                boolean agree = true;
                for (var entry : expected.get().entrySet()) {
                    Optional<ProducerStatus> status = statuses.get(entry.getKey());
                    Expected wanted = entry.getValue();
                    if (status.isEmpty() || !"ACTIVE".equals(status.get().state())
                            || !Integer.valueOf(wanted.number()).equals(status.get().serverNumber())
                            || status.get().total() != wanted.total()) {
                        agree = false;
                        break;
                    }
                    if (status.get().assignedAt().isAfter(latest)) {
                        latest = status.get().assignedAt();
                    }
                }
                if (agree) {
                    return Optional.of(Duration.between(since, latest));
                }
            }
            Pause.of(POLL);
        }
        return Optional.empty();
    }

    /** What every producer should report, once Redis holds exactly these producers, densely numbered. */
    private Optional<Map<String, Expected>> finalMap(Map<String, Integer> producers) {
        try {
            MembershipSnapshot snapshot = store.snapshot().toCompletableFuture().get(2, TimeUnit.SECONDS);
            if (!snapshot.isDense() || !snapshot.numbersByName().keySet().equals(producers.keySet())) {
                return Optional.empty();
            }
            Map<String, Expected> expected = new HashMap<>();
            snapshot.numbersByName().forEach((name, number) -> expected.put(name, new Expected(number, snapshot.total())));
            return Optional.of(expected);
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private Map<String, Optional<ProducerStatus>> statuses(Map<String, Integer> ports) {
        List<String> names = new ArrayList<>(ports.keySet());
        List<Future<Optional<ProducerStatus>>> requests = new ArrayList<>();
        for (String name : names) {
            requests.add(http.get(ports.get(name), "127.0.0.1", "/status").timeout(1000).send()
                    .map(response -> response.statusCode() == 200
                            ? Optional.of(Json.read(response.bodyAsString(), ProducerStatus.class))
                            : Optional.<ProducerStatus>empty())
                    .otherwise(Optional.empty()));
        }
        Map<String, Optional<ProducerStatus>> result = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            try {
                result.put(names.get(i), requests.get(i).toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS));
            } catch (Exception e) {
                result.put(names.get(i), Optional.empty());
            }
        }
        return result;
    }
}
