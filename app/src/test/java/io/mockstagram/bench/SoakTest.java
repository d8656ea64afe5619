package io.mockstagram.bench;

import io.mockstagram.bench.soak.Soak;
import io.mockstagram.bench.soak.SoakOptions;
import io.mockstagram.bench.soak.SoakReport;
import io.mockstagram.infra.Json;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A hundred seconds of random faults on the whole system (its own Redis, NATS and PostgreSQL; six
 * producers, two nurses, a fetcher, an updater, the dashboard), with a fixed seed: whatever
 * strikes, the system never gives a wrong answer.
 */
@Tag("chaos")
@Tag("soak")
class SoakTest {

    private static final long SEED = 20261207L;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void randomFaultsGiveNoWrongAnswer() throws Exception {
        // Kept under target/ after the run: the roles' logs are what explains a failure.
        Path work = Files.createDirectories(Path.of("target", "soak-test-" + System.currentTimeMillis()));
        // 100 s of faults: with start-up, warm-up and the final checkpoint, about three minutes on two busy cores.
        var options = new SoakOptions(Duration.ofSeconds(100), SEED, 5_000, Duration.ofSeconds(5), 6, 2, 1, 1,
                Duration.ofSeconds(20), Duration.ofSeconds(30), Duration.ofMinutes(5), work);

        long began = System.nanoTime();
        SoakReport report = new Soak(options, line -> System.out.printf("soak %5.1fs: %s%n",
                (System.nanoTime() - began) / 1e9, line)).run();
        System.out.println("soak: " + Json.write(report.figures()));

        String seen = " (examples: " + report.examples() + "; logs in " + work.toAbsolutePath() + ")";
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(report.faults().values().stream().mapToInt(Integer::intValue).sum())
                .as("faults injected").isGreaterThanOrEqualTo(3);
        softly.assertThat(report.doubleActiveSamples()).as("samples with one number ACTIVE on two producers" + seen).isZero();
        softly.assertThat(report.epochRegressions()).as("samples where the highest epoch fell" + seen).isZero();
        softly.assertThat(report.densityViolations()).as("reads of the map that were not exactly 1..TOTAL" + seen).isZero();
        softly.assertThat(report.quietIntervals()).as("quiet intervals checked").isGreaterThanOrEqualTo(5);
        softly.assertThat(report.uncoveredQuietIntervals()).as("quiet intervals missing a pk" + seen).isZero();
        softly.assertThat(report.readingsServed()).as("readings the API served").isPositive();
        softly.assertThat(report.readingsLost()).as("served readings neither stored nor dead-lettered" + seen).isZero();
        softly.assertThat(report.answersChecked()).as("answers compared with PostgreSQL").isPositive();
        softly.assertThat(report.wrongAnswers()).as("answers that disagree with PostgreSQL" + seen).isZero();
        softly.assertAll();
    }
}
