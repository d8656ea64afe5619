package io.mockstagram.bench.soak;

import com.fasterxml.jackson.databind.JsonNode;
import io.mockstagram.infra.Json;
import io.vertx.core.Future;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Compares the query API with PostgreSQL at a quiet checkpoint (nothing scheduled, the pipeline
 * drained): every pk's latest reading, its scheduled time, average over its whole history and rank, and the
 * global figures of {@code /api/stats}. An answer of 503 (Redis being rebuilt, say) is asked again
 * for a while, then counted as not yet checkable rather than wrong.
 */
final class AnswerAudit {

    private static final int IN_FLIGHT = 32;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration UNAVAILABLE_PATIENCE = Duration.ofSeconds(60);

    /** What PostgreSQL says of one influencer. */
    private record Truth(int followers, int following, long scheduledAtMs, long sum, long count) {
        double average() {
            return (double) sum / count;
        }
    }

    record Result(long checked, long wrong, long notYetCheckable) {
    }

    private final SoakHttp http;
    private final int dashboardPort;
    private final SoakDatabase database;
    private final int influencers;
    private final Violations violations;

    AnswerAudit(SoakHttp http, int dashboardPort, SoakDatabase database, int influencers, Violations violations) {
        this.http = http;
        this.dashboardPort = dashboardPort;
        this.database = database;
        this.influencers = influencers;
        this.violations = violations;
    }

    Result check() throws Exception {
        Map<Integer, Truth> truth = loadTruth();
        int[] sortedFollowers = truth.values().stream().mapToInt(Truth::followers).sorted().toArray();

        List<Integer> pending = new ArrayList<>();
        for (int pk = StoredReadings.FIRST_PK; pk < StoredReadings.FIRST_PK + influencers; pk++) {
            pending.add(pk);
        }
        long checked = 0;
        long wrong = 0;
        long deadline = System.currentTimeMillis() + UNAVAILABLE_PATIENCE.toMillis();
        while (!pending.isEmpty()) {
            List<Integer> unavailable = new ArrayList<>();
            for (int from = 0; from < pending.size(); from += IN_FLIGHT) {
                List<Integer> chunk = pending.subList(from, Math.min(pending.size(), from + IN_FLIGHT));
                List<Future<SoakHttp.Answer>> answers = new ArrayList<>();
                for (int pk : chunk) {
                    answers.add(http.getAsync(dashboardPort, "/api/influencers/" + pk, REQUEST_TIMEOUT));
                }
                for (int i = 0; i < chunk.size(); i++) {
                    int pk = chunk.get(i);
                    SoakHttp.Answer answer = await(answers.get(i));
                    if (answer.status() == 0 || answer.status() == 503) {
                        unavailable.add(pk);
                        continue;
                    }
                    checked++;
                    String problem = judge(pk, answer, truth.get(pk), sortedFollowers);
                    if (problem != null) {
                        wrong++;
                        violations.note("wrong-answer", problem);
                    }
                }
            }
            if (unavailable.isEmpty() || System.currentTimeMillis() > deadline) {
                pending = unavailable;
                break;
            }
            pending = unavailable;
            Thread.sleep(1000);
        }
        String statsProblem = checkStats(truth);
        if (statsProblem != null) {
            wrong++;
            violations.note("wrong-answer", statsProblem);
        }
        return new Result(checked + 1, wrong, pending.size());
    }

    private String judge(int pk, SoakHttp.Answer answer, Truth truth, int[] sortedFollowers) throws Exception {
        if (truth == null) {
            return answer.status() == 404 ? null : "pk " + pk + " has no reading in PostgreSQL but the API answered "
                    + answer.status() + " " + answer.body();
        }
        if (answer.status() != 200) {
            return "pk " + pk + " has " + truth.count() + " readings in PostgreSQL but the API answered " + answer.status()
                    + " " + answer.body();
        }
        JsonNode body = Json.mapper().readTree(answer.body());
        long rank = 1 + (sortedFollowers.length - upperBound(sortedFollowers, truth.followers()));
        List<String> differences = new ArrayList<>();
        compare(differences, "followerCount", body.path("followerCount").asLong(), truth.followers());
        compare(differences, "followingCount", body.path("followingCount").asLong(), truth.following());
        compare(differences, "scheduledAt", Instant.parse(body.path("scheduledAt").asText()).toEpochMilli(),
                truth.scheduledAtMs());
        compare(differences, "rank", body.path("rank").asLong(), rank);
        double average = body.path("averageFollowerCount").asDouble(Double.NaN);
        if (!(Math.abs(average - truth.average()) <= 1e-9 * Math.max(1, Math.abs(truth.average())))) {
            differences.add("averageFollowerCount " + average + " != " + truth.average() + " (" + truth.count() + " readings)");
        }
        return differences.isEmpty() ? null : "pk " + pk + ": " + String.join(", ", differences);
    }

    private static void compare(List<String> differences, String field, long answered, long expected) {
        if (answered != expected) {
            differences.add(field + " " + answered + " != " + expected);
        }
    }

    /** The number of values at most {@code value}: those above it are the ones with strictly more. */
    private static int upperBound(int[] sorted, int value) {
        int low = 0;
        int high = sorted.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (sorted[mid] <= value) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    private String checkStats(Map<Integer, Truth> truth) throws Exception {
        long deadline = System.currentTimeMillis() + UNAVAILABLE_PATIENCE.toMillis();
        SoakHttp.Answer answer = http.get(dashboardPort, "/api/stats", REQUEST_TIMEOUT);
        while (answer.status() != 200 && System.currentTimeMillis() < deadline) {
            Thread.sleep(1000);
            answer = http.get(dashboardPort, "/api/stats", REQUEST_TIMEOUT);
        }
        if (answer.status() != 200) {
            return "/api/stats answered " + answer.status() + " " + answer.body();
        }
        JsonNode body = Json.mapper().readTree(answer.body());
        long tracked = body.path("influencersTracked").asLong();
        double average = body.path("averageFollowerCount").asDouble(Double.NaN);
        double expected = truth.values().stream().mapToLong(Truth::followers).sum() / (double) Math.max(1, truth.size());
        if (tracked != truth.size() || !(Math.abs(average - expected) <= 1e-9 * Math.max(1, expected))) {
            return "/api/stats says " + tracked + " influencers averaging " + average + "; PostgreSQL " + truth.size()
                    + " averaging " + expected;
        }
        return null;
    }

    private Map<Integer, Truth> loadTruth() throws Exception {
        Map<Integer, long[]> totals = new HashMap<>();
        Map<Integer, Truth> truth = new HashMap<>();
        String readings = database.table("readings");
        try (Connection connection = database.open(); Statement statement = connection.createStatement()) {
            try (ResultSet rows = statement.executeQuery("SELECT pk, sum(follower_count::bigint), count(*) FROM " + readings
                    + " GROUP BY pk")) {
                while (rows.next()) {
                    totals.put(rows.getInt(1), new long[] {rows.getLong(2), rows.getLong(3)});
                }
            }
            try (ResultSet rows = statement.executeQuery("SELECT DISTINCT ON (pk) pk, follower_count, following_count, "
                    + "(extract(epoch FROM scheduled_at) * 1000)::bigint FROM " + readings + " ORDER BY pk, scheduled_at DESC")) {
                while (rows.next()) {
                    int pk = rows.getInt(1);
                    long[] total = totals.getOrDefault(pk, new long[] {0, 0});
                    truth.put(pk, new Truth(rows.getInt(2), rows.getInt(3), rows.getLong(4),
                            total[0], total[1]));
                }
            }
        }
        return truth;
    }

    private static SoakHttp.Answer await(Future<SoakHttp.Answer> answer) {
        try {
            return answer.toCompletionStage().toCompletableFuture().get(REQUEST_TIMEOUT.toMillis() + 2000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SoakHttp.Answer.NONE;
        } catch (Exception e) {
            return SoakHttp.Answer.NONE;
        }
    }

}
