package io.mockstagram.api;

import io.mockstagram.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiSettingsTest {

    @Test
    void byDefaultAMillionInfluencersAreServedOnPort3000() {
        var settings = ApiSettings.resolve(null, null, null, Faults.NONE, Map.of());

        assertThat(settings.influencers()).isEqualTo(1_000_000);
        assertThat(settings.httpPort()).isEqualTo(3000);
    }

    @Test
    void withoutASeedEachRunDrawsItsOwn() {
        assertThat(ApiSettings.resolve(null, null, null, Faults.NONE, Map.of()).seed())
                .isNotEqualTo(ApiSettings.resolve(null, null, null, Faults.NONE, Map.of()).seed());
        assertThat(ApiSettings.resolve(null, 42L, null, Faults.NONE, Map.of()).seed()).isEqualTo(42L);
    }

    @Test
    void theFlagOverridesTheVariableWhichOverridesTheDefault() {
        var env = Map.of("MOCKSTAGRAM_INFLUENCERS", "500");

        assertThat(ApiSettings.resolve(null, 1L, 0, Faults.NONE, env).influencers()).isEqualTo(500);
        assertThat(ApiSettings.resolve(20, 1L, 0, Faults.NONE, env).influencers()).isEqualTo(20);
    }

    @Test
    void anInfluencerCountOutOfRangeNamesWhereItCameFrom() {
        assertThatThrownBy(() -> ApiSettings.resolve(0, null, null, Faults.NONE, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--influencers")
                .hasMessageContaining("between 1 and 10000000");
        assertThatThrownBy(() -> ApiSettings.resolve(null, null, null, Faults.NONE, Map.of("MOCKSTAGRAM_INFLUENCERS", "lots")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("MOCKSTAGRAM_INFLUENCERS");
    }

    @Test
    void aPortOutsideTcpIsRefusedNamingTheFlag() {
        assertThatThrownBy(() -> ApiSettings.resolve(null, null, 70_000, Faults.NONE, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--http-port");
    }
}
