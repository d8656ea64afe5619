package io.mockstagram.pipeline.timeseries;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mockstagram.config.ConfigException;
import io.mockstagram.config.DatabaseSettings;
import io.mockstagram.testing.SharedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Opening the pool: bad configuration fails with a message naming the setting to fix. */
class DatabaseTest {

    private static final Duration STARTUP = Duration.ofSeconds(10);

    @RegisterExtension
    final SharedPostgres postgres = new SharedPostgres();

    private static DatabaseSettings fromEnv(String url) {
        return DatabaseSettings.resolve(null, Map.of("DATABASE_URL", url));
    }

    /** The shared server's address with another user or database. */
    private String sharedServer(String userInfo, String database) {
        String hostAndPort = postgres.databaseSettings().jdbcUrl().replaceFirst("^jdbc:postgresql://([^/]*)/.*$", "$1");
        return "postgresql://" + userInfo + hostAndPort + "/" + database;
    }

    @Test
    void opensAPoolThatAnswersAndReportsItsMetrics() throws Exception {
        var registry = new SimpleMeterRegistry();

        try (Database database = Database.open(postgres.databaseSettings(), 2, STARTUP, registry);
             Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT current_setting('application_name')")) {
            row.next();

            assertThat(row.getString(1)).isEqualTo("mockstagram");
            assertThat(registry.find("hikaricp.connections.max").tag("pool", "postgres").gauge())
                    .isNotNull().satisfies(max -> assertThat(max.value()).isEqualTo(2.0));
        }
    }

    @Test
    void aHostThatDoesNotResolveFailsAtOnceNamingTheVariable() {
        assertThatThrownBy(() -> Database.open(fromEnv("postgresql://no-such-host.invalid:5432/postgres"), 1, STARTUP))
                .isInstanceOf(ConfigException.class)
                .hasMessage("DATABASE_URL='jdbc:postgresql://no-such-host.invalid:5432/postgres as postgres':"
                        + " host 'no-such-host.invalid' cannot be resolved");
    }

    @Test
    void anUnknownUserFailsAtOnceNamingTheVariable() {
        assertThatThrownBy(() -> Database.open(fromEnv(sharedServer("nobody_here:secret@", "postgres")), 1, STARTUP))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("DATABASE_URL='")
                .hasMessageContaining("as nobody_here'")
                .hasMessageContaining("PostgreSQL refused the connection")
                .hasMessageContaining("nobody_here")
                .hasMessageNotContaining("secret");
    }

    @Test
    void aMissingDatabaseFailsAtOnceNamingTheVariable() {
        assertThatThrownBy(() -> Database.open(fromEnv(sharedServer("", "no_such_database")), 1, STARTUP))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("DATABASE_URL='")
                .hasMessageContaining("no_such_database")
                .hasMessageContaining("PostgreSQL refused the connection");
    }

    @Test
    void aServerThatRefusesConnectionsFailsOnceTheStartupTimeoutIsOver() {
        assertThatThrownBy(() -> Database.open(DatabaseSettings.resolve("postgresql://127.0.0.1:1/postgres", Map.of()), 1,
                Duration.ofMillis(300)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("--database-url='jdbc:postgresql://127.0.0.1:1/postgres as postgres': cannot connect (")
                .hasMessageEndingWith("within 300ms");
    }
}
