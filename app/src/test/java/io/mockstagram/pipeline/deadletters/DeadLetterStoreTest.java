package io.mockstagram.pipeline.deadletters;

import io.mockstagram.pipeline.timeseries.ReadingsTable;
import io.mockstagram.pipeline.timeseries.SchemaMigrations;
import io.mockstagram.testing.SharedPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Dead letters in PostgreSQL: one per (pk, scheduled time), listed newest first, a page at a time. */
class DeadLetterStoreTest {

    @RegisterExtension
    final SharedPostgres postgres = new SharedPostgres();

    private static final Instant TICK = Instant.parse("2026-12-01T10:00:00Z");

    private DeadLetterStore store;

    @BeforeEach
    void migrate() {
        SchemaMigrations.migrate(postgres.databaseSettings(), ReadingsTable.of(postgres.namespace()));
        store = new DeadLetterStore(postgres.dataSource(), postgres.namespace());
    }

    private static DeadLetter fetch(int pk, Instant tick) {
        return new DeadLetter(pk, tick, DeadLetter.Stage.FETCH, "HTTP 500 from the API", 4);
    }

    @Test
    void a_pk_given_up_on_twice_in_one_interval_is_kept_once_as_first_recorded() throws Exception {
        assertThat(store.record(List.of(fetch(1_000_001, TICK), fetch(1_000_002, TICK)))).isEqualTo(2);

        int added = store.record(List.of(
                new DeadLetter(1_000_001, TICK, DeadLetter.Stage.STORE, "a redelivery, later", 5),
                fetch(1_000_001, TICK.plusSeconds(60))));

        assertThat(added).as("only the next interval's is new").isEqualTo(1);
        var entries = store.page(10, OptionalLong.empty()).entries();
        assertThat(entries).extracting(DeadLetterStore.Entry::pk, DeadLetterStore.Entry::scheduledAt,
                        DeadLetterStore.Entry::stage, DeadLetterStore.Entry::reason)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(1_000_001, TICK, DeadLetter.Stage.FETCH, "HTTP 500 from the API"),
                        org.assertj.core.groups.Tuple.tuple(1_000_002, TICK, DeadLetter.Stage.FETCH, "HTTP 500 from the API"),
                        org.assertj.core.groups.Tuple.tuple(1_000_001, TICK.plusSeconds(60), DeadLetter.Stage.FETCH,
                                "HTTP 500 from the API"));
        assertThat(entries).allSatisfy(entry -> assertThat(entry.attempts()).isEqualTo(4));
    }

    @Test
    void pages_go_from_the_newest_to_the_oldest_and_end_with_no_next() throws Exception {
        for (int i = 0; i < 7; i++) {
            store.record(List.of(fetch(1_000_000 + i, TICK)));
        }

        List<Integer> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        OptionalLong after = OptionalLong.empty();
        while (true) {
            var page = store.page(3, after);
            pageSizes.add(page.entries().size());
            page.entries().forEach(entry -> seen.add(entry.pk()));
            if (page.next() == null) {
                break;
            }
            after = OptionalLong.of(page.next());
        }

        assertThat(seen).containsExactly(1_000_006, 1_000_005, 1_000_004, 1_000_003, 1_000_002, 1_000_001, 1_000_000);
        assertThat(pageSizes).containsExactly(3, 3, 1);
    }

    @Test
    void a_full_last_page_says_there_is_no_next() throws Exception {
        store.record(List.of(fetch(1, TICK), fetch(2, TICK)));

        assertThat(store.page(2, OptionalLong.empty()).next()).isNull();
        assertThat(store.page(1, OptionalLong.empty()).next()).isNotNull();
    }

    @Test
    void a_long_reason_is_cut_and_a_missing_one_named() {
        assertThat(new DeadLetter(1, TICK, DeadLetter.Stage.FETCH, "x".repeat(5000), 1).reason())
                .hasSize(DeadLetter.MAX_REASON).endsWith("...");
        assertThat(new DeadLetter(1, TICK, DeadLetter.Stage.FETCH, null, 1).reason()).isEqualTo("unknown");
    }

    @Test
    void a_page_holds_between_one_and_the_maximum() {
        assertThatThrownBy(() -> store.page(0, OptionalLong.empty())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.page(DeadLetterStore.MAX_PAGE + 1, OptionalLong.empty()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
