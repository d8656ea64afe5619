package io.mockstagram.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.mockstagram.infra.Json;
import io.mockstagram.local.RoleProcess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bench membership --under-load} at a small scale (20,000 pks every 5 s, two kills in
 * 40 s, the fast profile) ends with one JSON line of sane figures. The figures themselves are
 * the benchmark's to report, not this test's to judge.
 */
@Tag("chaos")
@Tag("soak")
class MembershipUnderLoadTest {

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void printsItsFiguresAsOneJsonLine() throws Exception {
        // Kept under target/ after the run: the roles' logs are what explains a failure.
        Path work = Files.createDirectories(Path.of("target", "under-load-test-" + System.currentTimeMillis()));
        RoleProcess bench = RoleProcess.start("bench", List.of("-Xmx256m"), List.of("membership", "--under-load",
                        "--profile", "fast", "--influencers", "20000", "--interval", "5s", "--duration", "40s",
                        "--kills", "2", "--seed", "20261208", "--json", "--work-dir", work.resolve("run").toString()),
                Map.of(), work.resolve("bench.log"));

        assertThat(bench.awaitExit(240)).as("exit status; output:%n%s", bench.output()).isZero();
        List<String> lines = bench.output().lines().toList();
        JsonNode figures = Json.mapper().readTree(lines.get(lines.size() - 1));

        assertThat(figures.path("leaseMs").asLong()).isEqualTo(1000);
        assertThat(figures.path("heartbeatMs").asLong()).isEqualTo(250);
        assertThat(figures.path("kills").asInt()).isEqualTo(2);
        assertThat(figures.path("crashConvergeP50Ms").asDouble()).isPositive();
        assertThat(figures.path("crashConvergeP99Ms").asDouble())
                .isGreaterThanOrEqualTo(figures.path("crashConvergeP50Ms").asDouble());
        assertThat(figures.path("falseEvictions").isIntegralNumber()).as("falseEvictions is a count").isTrue();
        assertThat(figures.path("falseEvictions").asLong()).isNotNegative();
        assertThat(figures.path("renewals").asLong()).as("renewals counted").isPositive();
        assertThat(figures.path("renewalP99Ms").asDouble()).isPositive();
        assertThat(figures.path("duplicateFetchFraction").asDouble()).isBetween(0.0, 10.0);
        assertThat(figures.path("intervalsAudited").asInt()).isPositive();
        assertThat(figures.path("uncoveredIntervals").asInt()).isBetween(0, figures.path("intervalsAudited").asInt());
    }
}
