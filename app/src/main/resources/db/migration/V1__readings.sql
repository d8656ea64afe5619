-- One row per influencer and tick. Flyway runs this with search_path set to the namespace's
-- schema, so names stay unqualified here.
--
-- Partitioned by the hour of the tick, so that retention drops whole partitions (no DELETE,
-- no vacuum debt) and the primary-key index being written to stays one hour's size.
-- Partitions are created ahead by the application; there is deliberately no DEFAULT
-- partition: it would quietly collect rows for a missing hour and then stop that hour's
-- partition from being created.
--
-- Columns are fixed-width and NOT NULL (no null bitmap, no TOAST table). The primary key
-- makes a redelivered reading a no-op (ON CONFLICT DO NOTHING) and serves the timeline of
-- one influencer; no other index is kept, since each costs about as much as the key.
CREATE TABLE readings (
    pk              integer     NOT NULL,
    scheduled_at    timestamptz NOT NULL,
    fetched_at      timestamptz NOT NULL,
    follower_count  integer     NOT NULL,
    following_count integer     NOT NULL,
    PRIMARY KEY (pk, scheduled_at)
) PARTITION BY RANGE (scheduled_at);
