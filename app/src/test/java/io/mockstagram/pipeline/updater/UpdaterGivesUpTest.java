package io.mockstagram.pipeline.updater;

import io.lettuce.core.KeyScanArgs;
import io.lettuce.core.ScanIterator;
import io.mockstagram.config.DatabaseSettings;
import io.mockstagram.infra.Json;
import io.mockstagram.pipeline.ReadingBatch;
import io.mockstagram.pipeline.Tick;
import io.mockstagram.pipeline.deadletters.DeadLetter;
import io.mockstagram.pipeline.deadletters.DeadLetterStore;
import io.mockstagram.pipeline.timeseries.ReadingsTable;
import io.mockstagram.pipeline.timeseries.SchemaMigrations;
import io.mockstagram.pipeline.timeseries.TimeSeriesSettings;
import io.mockstagram.testing.SharedServers;
import io.nats.client.PublishOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An updater that cannot store a batch stops redelivering it after --max-deliveries: the
 * batch's readings are dead-lettered in PostgreSQL with the reason, the give-up is counted,
 * and the batch leaves the queue. The store is made to fail for real: a trigger in the test's
 * schema refuses one pk, as a constraint the data breaks would.
 */
class UpdaterGivesUpTest {

    @RegisterExtension
    final SharedServers servers = new SharedServers();

    private static final int POISONED = 1_000_013;
    private static final int MAX_DELIVERIES = 3;

    private final DatabaseSettings database = DatabaseSettings.resolve(null,
            Map.of("DATABASE_URL", System.getenv().getOrDefault("DATABASE_URL", "postgresql://127.0.0.1:5432/postgres")));
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private PGSimpleDataSource dataSource;
    private Updater updater;

    @BeforeEach
    void poisonOnePk() {
        dataSource = new PGSimpleDataSource();
        dataSource.setURL(database.jdbcUrl());
        dataSource.setUser(database.user());
        dataSource.setPassword(database.password());
        SchemaMigrations.migrate(database, ReadingsTable.of(servers.namespace()));
        String schema = "\"" + servers.namespace().databaseSchema() + "\"";
        execute("CREATE FUNCTION " + schema + ".poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "IF NEW.pk = " + POISONED + " THEN RAISE EXCEPTION 'poisoned reading %', NEW.pk; END IF; "
                + "RETURN NEW; END $$");
        execute("CREATE TRIGGER poison BEFORE INSERT ON " + schema + ".readings FOR EACH ROW EXECUTE FUNCTION "
                + schema + ".poison()");
    }

    @AfterEach
    void cleanUp() {
        if (updater != null) {
            updater.close();
        }
        var redis = servers.redis().sync();
        List<String> keys = new ArrayList<>();
        ScanIterator.scan(redis, KeyScanArgs.Builder.matches(servers.namespace().name() + ":*")).forEachRemaining(keys::add);
        if (!keys.isEmpty()) {
            redis.del(keys.toArray(String[]::new));
        }
        execute("DROP SCHEMA IF EXISTS \"" + servers.namespace().databaseSchema() + "\" CASCADE");
    }

    @Test
    void a_batch_that_keeps_failing_is_dead_lettered_counted_and_not_delivered_again() throws Exception {
        updater = Updater.start(new UpdaterSettings(servers.clusterSettings(), database, TimeSeriesSettings.defaults(), 0, 1,
                Duration.ofSeconds(60), MAX_DELIVERIES));
        Tick tick = Tick.at(Instant.now(), Duration.ofSeconds(60));
        await("the readings queue").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> servers.nats().jetStreamManagement().getStreamInfo(servers.namespace().readingsStream()) != null);

        publish(batch("readings:poisoned", tick, 1_000_011, 1_000_012, POISONED));
        publish(batch("readings:good", tick, 1_000_021, 1_000_022));

        // Deliveries 1 and 2 come back after 1 s and 2 s; the third is the last.
        var store = new DeadLetterStore(dataSource, servers.namespace());
        await("the poisoned batch's dead letters").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> store.page(10, OptionalLong.empty()).entries().size() == 3);
        var deadLetters = store.page(10, OptionalLong.empty()).entries();
        assertThat(deadLetters).extracting(DeadLetterStore.Entry::pk).containsExactlyInAnyOrder(1_000_011, 1_000_012, POISONED);
        assertThat(deadLetters).allSatisfy(dead -> {
            assertThat(dead.stage()).isEqualTo(DeadLetter.Stage.STORE);
            assertThat(dead.scheduledAt()).isEqualTo(tick.start());
            assertThat(dead.attempts()).isEqualTo(MAX_DELIVERIES);
            assertThat(dead.reason()).contains("not stored after 3 deliveries").contains("poisoned reading " + POISONED);
        });
        assertThat(storedPks()).as("the good batch is stored; nothing of the poisoned one")
                .containsExactlyInAnyOrder(1_000_021, 1_000_022);

        await("the give-up counted").atMost(Duration.ofSeconds(10))
                .until(() -> metric("mockstagram_update_batches_given_up_total") == 1.0);
        // Past the next redelivery the batch would have had (4 s), no delivery came.
        await("no further delivery").during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(15))
                .until(() -> metric("mockstagram_update_failures_total") == MAX_DELIVERIES);
        assertThat(servers.nats().jetStreamManagement().getStreamInfo(servers.namespace().readingsStream())
                .getStreamState().getMsgCount()).as("batches left in the queue").isZero();
    }

    private static ReadingBatch batch(String id, Tick tick, int... pks) {
        int n = pks.length;
        int[] followers = new int[n];
        int[] following = new int[n];
        long[] at = new long[n];
        for (int i = 0; i < n; i++) {
            followers[i] = 100_000 + i;
            following[i] = 1_000 + i;
            at[i] = tick.start().toEpochMilli() + 1_000;
        }
        return new ReadingBatch(id, tick.index(), tick.interval().toMillis(), tick.start().toEpochMilli(), pks, followers,
                following, at);
    }

    private void publish(ReadingBatch batch) throws Exception {
        var namespace = servers.namespace();
        servers.nats().jetStream().publish(namespace.readingsSubject(), Json.writeBytes(batch),
                PublishOptions.builder().messageId(batch.id()).stream(namespace.readingsStream()).build());
    }

    private double metric(String name) throws Exception {
        String text = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + updater.httpPort() + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        return text.lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private List<Integer> storedPks() throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT pk FROM \"" + servers.namespace().databaseSchema() + "\".readings")) {
            List<Integer> pks = new ArrayList<>();
            while (rows.next()) {
                pks.add(rows.getInt(1));
            }
            return pks;
        }
    }

    private void execute(String sql) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
