package io.mockstagram.pipeline.timeseries;

import io.mockstagram.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimeSeriesSettingsTest {

    @Test
    void defaultsKeepAWeekWithFourConnections() {
        assertThat(TimeSeriesSettings.resolve(null, null, Map.of()))
                .isEqualTo(new TimeSeriesSettings(Duration.ofDays(7), 4))
                .isEqualTo(TimeSeriesSettings.defaults());
    }

    @Test
    void aFlagOverridesTheVariableWhichOverridesTheDefault() {
        Map<String, String> env = Map.of("MOCKSTAGRAM_RETENTION", "48h", "MOCKSTAGRAM_DB_POOL_SIZE", "8");

        assertThat(TimeSeriesSettings.resolve(null, null, env)).isEqualTo(new TimeSeriesSettings(Duration.ofHours(48), 8));
        assertThat(TimeSeriesSettings.resolve("2h", 2, env)).isEqualTo(new TimeSeriesSettings(Duration.ofHours(2), 2));
    }

    @Test
    void badValuesAreRejectedNamingTheirSource() {
        assertThatThrownBy(() -> TimeSeriesSettings.resolve(null, null, Map.of("MOCKSTAGRAM_RETENTION", "7d")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("MOCKSTAGRAM_RETENTION='7d' is not a duration");
        assertThatThrownBy(() -> TimeSeriesSettings.resolve("30m", null, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("--retention='30m': must be at least 1h, the time late readings are still accepted");
        assertThatThrownBy(() -> TimeSeriesSettings.resolve(null, 0, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("--db-pool-size='0': must be between 1 and 64");
        assertThatThrownBy(() -> TimeSeriesSettings.resolve(null, null, Map.of("MOCKSTAGRAM_DB_POOL_SIZE", "four")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("MOCKSTAGRAM_DB_POOL_SIZE='four' is not a whole number");
    }
}
