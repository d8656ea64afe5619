package io.mockstagram.config;

import io.mockstagram.nurse.NurseCommand;
import io.mockstagram.nurse.NurseSettings;
import io.mockstagram.producer.ProducerCommand;
import io.mockstagram.producer.ProducerSettings;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LeaseProfileTest {

    @Test
    void theFastProfileGivesAOneSecondLeaseAndAQuarterSecondHeartbeat() {
        ProducerSettings settings = producer(Map.of(), "--profile", "fast");

        assertThat(settings.lease()).isEqualTo(Duration.ofMillis(1000));
        assertThat(settings.heartbeat()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void withoutAProfileTheLeaseStaysThreeSeconds() {
        ProducerSettings settings = producer(Map.of());

        assertThat(settings.lease()).isEqualTo(Duration.ofMillis(3000));
        assertThat(settings.heartbeat()).isEqualTo(Duration.ofMillis(1000));
    }

    @Test
    void theProfileComesFromTheEnvironmentAndExplicitTimingsOverrideIt() {
        ProducerSettings settings = producer(Map.of("MOCKSTAGRAM_PROFILE", "fast", "MOCKSTAGRAM_LEASE_MS", "1500"));

        assertThat(settings.lease()).isEqualTo(Duration.ofMillis(1500));
        assertThat(settings.heartbeat()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void theNurseTakesTheProfileToo() {
        var command = new NurseCommand();
        new CommandLine(command).parseArgs("--profile", "fast");
        NurseSettings settings = command.settings(Map.of());

        assertThat(settings.leaderLease()).isEqualTo(Duration.ofMillis(1500));
        assertThat(settings.scanInterval()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void anUnknownProfileIsRejectedNamingTheSetting() {
        assertThatThrownBy(() -> producer(Map.of("MOCKSTAGRAM_PROFILE", "turbo")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("MOCKSTAGRAM_PROFILE='turbo'")
                .hasMessageContaining("standard or fast");
    }

    private static ProducerSettings producer(Map<String, String> env, String... args) {
        var command = new ProducerCommand();
        new CommandLine(command).parseArgs(args);
        return command.settings(env);
    }
}
