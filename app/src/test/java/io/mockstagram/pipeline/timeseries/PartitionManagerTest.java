package io.mockstagram.pipeline.timeseries;

import io.mockstagram.testing.SharedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PartitionManagerTest {

    private static final Instant HALF_PAST_TEN = Instant.parse("2030-01-01T10:30:00Z");

    @RegisterExtension
    final SharedPostgres postgres = new SharedPostgres();

    private Database database;
    private ReadingsTable table;

    @BeforeEach
    void migrate() {
        database = Database.open(postgres.databaseSettings(), 4, Duration.ofSeconds(10));
        table = ReadingsTable.of(postgres.namespace());
        SchemaMigrations.migrate(postgres.databaseSettings(), table);
    }

    @AfterEach
    void close() {
        database.close();
    }

    private PartitionManager managerAt(Instant now, Duration retention) {
        return new PartitionManager(database.dataSource(), table, retention, Clock.fixed(now, ZoneOffset.UTC));
    }

    private static List<HourlyPartition> hours(String... starts) {
        return Arrays.stream(starts).map(s -> new HourlyPartition(Instant.parse("2030-01-" + s + ":00:00Z"))).toList();
    }

    @Test
    void createsThePartitionsOfThePastHourAndTheNextTwoAhead() {
        PartitionManager manager = managerAt(HALF_PAST_TEN, PartitionManager.DEFAULT_RETENTION);

        assertThat(manager.createAhead()).containsExactlyElementsOf(hours("01T09", "01T10", "01T11", "01T12"));
        assertThat(manager.partitions()).containsExactlyElementsOf(hours("01T09", "01T10", "01T11", "01T12"));
        assertThat(manager.createAhead()).as("a second pass").isEmpty();
    }

    @Test
    void aLaterPassAddsOnlyTheNewHours() {
        managerAt(HALF_PAST_TEN, PartitionManager.DEFAULT_RETENTION).createAhead();

        assertThat(managerAt(HALF_PAST_TEN.plus(Duration.ofHours(2)), PartitionManager.DEFAULT_RETENTION).createAhead())
                .containsExactlyElementsOf(hours("01T13", "01T14"));
    }

    @Test
    void severalUpdatersMaintainingAtOnceAllSucceed() throws Exception {
        int updaters = 4;
        ExecutorService pool = Executors.newFixedThreadPool(updaters);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<PartitionManager.Maintenance>> passes = new ArrayList<>();
            for (int i = 0; i < updaters; i++) {
                PartitionManager manager = managerAt(HALF_PAST_TEN, PartitionManager.DEFAULT_RETENTION);
                Callable<PartitionManager.Maintenance> pass = () -> {
                    start.await();
                    return manager.maintain();
                };
                passes.add(pool.submit(pass));
            }
            start.countDown();
            List<HourlyPartition> created = new ArrayList<>();
            for (Future<PartitionManager.Maintenance> pass : passes) {
                created.addAll(pass.get(30, TimeUnit.SECONDS).created());
            }

            assertThat(created).as("each partition is reported created by one updater at most").doesNotHaveDuplicates();
            assertThat(managerAt(HALF_PAST_TEN, PartitionManager.DEFAULT_RETENTION).partitions())
                    .containsExactlyElementsOf(hours("01T09", "01T10", "01T11", "01T12"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void racingToCreateTheSameMissingPartitionIsHarmless() throws Exception {
        int writers = 4;
        PartitionManager manager = managerAt(HALF_PAST_TEN, PartitionManager.DEFAULT_RETENTION);
        Instant nextWeek = HALF_PAST_TEN.plus(Duration.ofDays(7));
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                calls.add(pool.submit(() -> {
                    start.await();
                    manager.ensureCovers(nextWeek);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> call : calls) {
                call.get(30, TimeUnit.SECONDS);
            }

            assertThat(manager.partitions()).containsExactly(HourlyPartition.containing(nextWeek));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void dropsThePartitionsThatEndedARetentionAgoAndKeepsTheRest() {
        managerAt(HALF_PAST_TEN, PartitionManager.DEFAULT_RETENTION).createAhead();
        PartitionManager weekLater = managerAt(HALF_PAST_TEN.plus(Duration.ofDays(7)).plus(Duration.ofHours(1)),
                Duration.ofDays(7));

        // Now 2030-01-08T11:30, so everything that ended by 2030-01-01T11:30 goes.
        assertThat(weekLater.dropExpired()).containsExactlyElementsOf(hours("01T09", "01T10"));
        assertThat(weekLater.partitions()).containsExactlyElementsOf(hours("01T11", "01T12"));
        assertThat(weekLater.dropExpired()).as("a second pass").isEmpty();
    }

    @Test
    void maintainingCreatesAheadAndDropsExpiredInOnePass() {
        managerAt(HALF_PAST_TEN, Duration.ofHours(3)).createAhead();

        PartitionManager.Maintenance pass = managerAt(HALF_PAST_TEN.plus(Duration.ofHours(4)), Duration.ofHours(3)).maintain();

        assertThat(pass.created()).containsExactlyElementsOf(hours("01T13", "01T14", "01T15", "01T16"));
        assertThat(pass.dropped()).containsExactlyElementsOf(hours("01T09", "01T10"));
    }

    @Test
    void aRetentionShorterThanTheLateReadingWindowIsRejected() {
        assertThatThrownBy(() -> managerAt(HALF_PAST_TEN, Duration.ofMinutes(59)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("late readings");
    }
}
