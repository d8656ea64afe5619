package io.mockstagram.pipeline.deadletters;

import io.mockstagram.pipeline.stats.PipelineStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Records what a role gives up on: durably in PostgreSQL first (the caller acknowledges its
 * message only once this returned), then in the count the pipeline page shows, and in the log.
 */
public final class DeadLetters {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
    private static final int PKS_LOGGED = 10;

    private final DeadLetterStore store;
    private final PipelineStats stats;

    public DeadLetters(DeadLetterStore store, PipelineStats stats) {
        this.store = store;
        this.stats = stats;
    }

    /** Blocks on PostgreSQL; returns how many were new. Throws when they could not be stored. */
    public int record(List<DeadLetter> deadLetters) throws SQLException {
        if (deadLetters.isEmpty()) {
            return 0;
        }
        int added = store.record(deadLetters);
        if (added > 0) {
            // Only a hint for the page: PostgreSQL holds the record, so a lost increment loses nothing.
            stats.recordDeadLetters(added);
        }
        DeadLetter first = deadLetters.get(0);
        log.atWarn().setMessage("dead-lettered").addKeyValue("stage", first.stage())
                .addKeyValue("scheduledAt", first.scheduledAt()).addKeyValue("count", deadLetters.size())
                .addKeyValue("new", added).addKeyValue("attempts", first.attempts()).addKeyValue("reason", first.reason())
                .addKeyValue("pks", deadLetters.stream().limit(PKS_LOGGED).map(d -> Integer.toString(d.pk()))
                        .collect(Collectors.joining(",", "", deadLetters.size() > PKS_LOGGED ? ",..." : "")))
                .log();
        return added;
    }
}
