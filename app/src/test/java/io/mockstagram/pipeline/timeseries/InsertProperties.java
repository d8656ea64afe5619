package io.mockstagram.pipeline.timeseries;

import io.mockstagram.pipeline.ReadingBatch;
import io.mockstagram.pipeline.Tick;
import io.mockstagram.testing.SharedPostgres;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.lifecycle.BeforeTry;

import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever batches arrive, duplicated, overlapping, redelivered or in ticks of two intervals,
 * each (pk, scheduled time) is stored once, insert reports exactly the new ones, and the
 * aggregate table equals a computation over the raw rows. jqwik does not run JUnit extensions, so the
 * schema is set up by hand, once per property; each try starts from an empty table.
 */
class InsertProperties {

    private final SharedPostgres postgres = new SharedPostgres();
    private StoreFixture fixture;

    @BeforeProperty
    void open() {
        postgres.start();
        fixture = StoreFixture.open(postgres);
    }

    @AfterProperty
    void close() throws SQLException {
        fixture.close();
        postgres.close();
    }

    @BeforeTry
    void empty() {
        fixture.execute("TRUNCATE " + fixture.table.qualified() + ", " + fixture.table.aggregates());
    }

    private record Key(int pk, long scheduledAtMs) {
    }

    @Property(tries = 40)
    void rowsAreTheDistinctReadingsAndInsertCountsOnlyNewOnes(@ForAll("batches") List<ReadingBatch> batches) {
        Set<Key> seen = new HashSet<>();
        for (ReadingBatch batch : batches) {
            Set<Key> keys = keys(batch);
            long expectedNew = keys.stream().filter(key -> !seen.contains(key)).count();
            seen.addAll(keys);

            assertThat(fixture.store.insert(batch).inserted()).as("new readings in %s", batch.id()).isEqualTo(expectedNew);
        }

        assertThat(fixture.rows()).isEqualTo(seen.size());
        assertThat(fixture.aggregates()).as("the aggregate table against the raw rows")
                .isEqualTo(fixture.aggregatesFromReadings());
    }

    private static Set<Key> keys(ReadingBatch batch) {
        return Arrays.stream(batch.pks()).mapToObj(pk -> new Key(pk, batch.scheduledAtMs())).collect(Collectors.toSet());
    }

    @Provide
    Arbitrary<List<ReadingBatch>> batches() {
        // Minute 600 lies in an hour with no partition yet, so the on-demand path is covered too.
        // Half-minute ticks mix in as during a change of --interval: minute 1 and half-minute 2
        // are the same instant, so the same reading.
        Arbitrary<Tick> ticks = Arbitraries.oneOf(Arbitraries.of(0, 1, 2, 59, 600).map(Batches::tick),
                Arbitraries.of(1, 2, 5, 119).map(Batches::halfMinute));
        Arbitrary<int[]> pks = Arbitraries.integers().between(1, 40).array(int[].class).ofMaxSize(30);
        Arbitrary<ReadingBatch> batch = Combinators.combine(ticks, pks).as(Batches::of);
        return batch.list().ofMaxSize(12)
                // Redelivery: some batches come again, whole.
                .flatMap(list -> Arbitraries.integers().between(0, list.size()).map(repeat ->
                        Stream.concat(list.stream(), list.stream().limit(repeat)).toList()));
    }
}
