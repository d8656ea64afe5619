package io.mockstagram.bench.soak;

import io.lettuce.core.RedisClient;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.mockstagram.bench.Pause;
import io.mockstagram.config.Namespace;
import io.mockstagram.infra.Json;
import io.mockstagram.producer.ProducerStatus;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Tells when the system has recovered from a fault: the membership map in Redis agrees with
 * every live producer (each ACTIVE on the number and total Redis holds for it, nobody else in
 * the map), and readings flow again (PostgreSQL holds a reading fetched after the fault).
 */
final class RecoveryProbe implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(200);

    private final SoakCluster cluster;
    private final SoakHttp http;
    private final Namespace namespace;
    private final SoakDatabase database;
    private final Duration interval;
    private final RedisClient redisClient;
    private StatefulRedisConnection<String, String> redis;

    RecoveryProbe(SoakCluster cluster, SoakHttp http, Namespace namespace, SoakDatabase database, Duration interval) {
        this.cluster = cluster;
        this.http = http;
        this.namespace = namespace;
        this.database = database;
        this.interval = interval;
        this.redisClient = RedisClient.create(cluster.redis().url());
    }

    /** How long after {@code sinceMs} both held, or empty if they did not by {@code deadlineMs}. */
    OptionalLong awaitRecovered(long sinceMs, long readingsAfterMs, long deadlineMs) {
        boolean membershipAgreed = false;
        while (System.currentTimeMillis() < deadlineMs) {
            membershipAgreed = membershipAgreed || membershipAgrees();
            if (membershipAgreed && readingStoredAfter(readingsAfterMs)) {
                // Membership is checked again: it must still agree when readings are seen flowing.
                if (membershipAgrees()) {
                    return OptionalLong.of(System.currentTimeMillis() - sinceMs);
                }
                membershipAgreed = false;
            }
            Pause.of(POLL);
        }
        return OptionalLong.empty();
    }

    boolean membershipAgrees() {
        List<RoleSlot> live = cluster.producers().stream().filter(RoleSlot::isLive).toList();
        Map<String, Integer> map = membershipMap();
        if (map == null || map.size() != live.size()) {
            return false;
        }
        for (RoleSlot producer : live) {
            SoakHttp.Answer answer = http.get(producer.port(), "/status", Duration.ofSeconds(1));
            if (!answer.ok()) {
                return false;
            }
            ProducerStatus status = Json.read(answer.body(), ProducerStatus.class);
            if (!"ACTIVE".equals(status.state()) || !map.containsKey(producer.name())
                    || !map.get(producer.name()).equals(status.serverNumber()) || status.total() != map.size()) {
                return false;
            }
        }
        return true;
    }

    /** The map, read with its total in one MULTI/EXEC; null unless it is whole (size equal to TOTAL). */
    private Map<String, Integer> membershipMap() {
        try {
            if (redis == null || !redis.isOpen()) {
                redis = redisClient.connect();
                redis.setTimeout(Duration.ofSeconds(1));
            }
            var sync = redis.sync();
            sync.multi();
            sync.hgetall(namespace.membershipKeys().members());
            sync.get(namespace.membershipKeys().total());
            TransactionResult result = sync.exec();
            Map<String, String> raw = result.get(0);
            String total = result.get(1);
            if (total == null || Integer.parseInt(total) != raw.size()) {
                return null;
            }
            Map<String, Integer> map = new HashMap<>();
            raw.forEach((name, number) -> map.put(name, Integer.parseInt(number)));
            return map;
        } catch (RuntimeException e) {
            if (redis != null) {
                redis.closeAsync();
                redis = null;
            }
            return null;
        }
    }

    boolean readingStoredAfter(long afterMs) {
        String sql = "SELECT max(fetched_at) FROM " + database.table("readings") + " WHERE scheduled_at >= ?";
        try (Connection connection = database.open(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setTimestamp(1, new Timestamp(afterMs - 3 * interval.toMillis()));
            try (ResultSet rows = statement.executeQuery()) {
                Timestamp latest = rows.next() ? rows.getTimestamp(1) : null;
                return latest != null && latest.getTime() > afterMs;
            }
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (redis != null) {
            redis.close();
        }
        redisClient.shutdown();
    }
}
