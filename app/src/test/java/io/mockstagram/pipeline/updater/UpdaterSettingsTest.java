package io.mockstagram.pipeline.updater;

import io.mockstagram.cli.Main;
import io.mockstagram.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** --max-deliveries: how often a batch that fails to store comes back before it is given up on; checked at start-up. */
class UpdaterSettingsTest {

    @Test
    void five_by_default_else_the_variable_else_the_flag() {
        assertThat(UpdaterSettings.maxDeliveries(null, Map.of())).isEqualTo(5);
        assertThat(UpdaterSettings.maxDeliveries(null, Map.of("MOCKSTAGRAM_MAX_DELIVERIES", "8"))).isEqualTo(8);
        assertThat(UpdaterSettings.maxDeliveries("3", Map.of("MOCKSTAGRAM_MAX_DELIVERIES", "8"))).isEqualTo(3);
    }

    @Test
    void a_bad_value_stops_the_updater_naming_where_it_came_from() {
        assertThatThrownBy(() -> UpdaterSettings.maxDeliveries(null, Map.of("MOCKSTAGRAM_MAX_DELIVERIES", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("MOCKSTAGRAM_MAX_DELIVERIES='0'")
                .hasMessageContaining("between 1 and 100");
        assertThatThrownBy(() -> UpdaterSettings.maxDeliveries("many", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--max-deliveries='many'");
        assertThatThrownBy(() -> UpdaterSettings.maxDeliveries("101", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--max-deliveries='101'");
    }

    @Test
    void the_updater_refuses_to_start_with_a_bad_one() {
        StringWriter err = new StringWriter();
        int status = Main.commandLine().setErr(new PrintWriter(err)).execute("updater", "--max-deliveries", "0");

        assertThat(status).isEqualTo(Main.CONFIG_ERROR);
        assertThat(err.toString()).contains("--max-deliveries='0': must be between 1 and 100");
    }

    @Test
    void redeliveries_wait_longer_each_time_up_to_half_a_minute() {
        assertThat(Updater.redeliveryDelay(1)).hasSeconds(1);
        assertThat(Updater.redeliveryDelay(2)).hasSeconds(2);
        assertThat(Updater.redeliveryDelay(4)).hasSeconds(8);
        assertThat(Updater.redeliveryDelay(6)).hasSeconds(30);
        assertThat(Updater.redeliveryDelay(1000)).hasSeconds(30);
    }
}
