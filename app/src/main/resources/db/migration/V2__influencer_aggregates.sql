-- The record of what the query side shows, kept next to the readings so that Redis is only a
-- view that can be rebuilt from here: per influencer, the count and sums of every reading ever
-- stored (the average over its history is follower_sum / readings), its latest reading by
-- scheduled time, and its newest classification.
--
-- Retention drops raw partitions, never rows here, so the average keeps every reading ever
-- stored. Updaters maintain it in the statement that inserts the raw rows (one transaction);
-- a classification can come before any reading, hence readings = 0 and NULL latest values.
--
-- fillfactor leaves room on each page so that the per-minute update of every row is a HOT
-- update (no index entry to add: only the primary key is indexed, and it never changes).
-- Autovacuum runs on a twentieth of the rows rather than a fifth, so dead versions are
-- reclaimed while their page still has room for the next version.
CREATE TABLE influencer_aggregates (
    pk                  integer     PRIMARY KEY,
    readings            bigint      NOT NULL DEFAULT 0,
    follower_sum        bigint      NOT NULL DEFAULT 0,
    following_sum       bigint      NOT NULL DEFAULT 0,
    latest_scheduled_at timestamptz,
    latest_fetched_at   timestamptz,
    latest_followers    integer,
    latest_following    integer,
    suspicious          boolean,
    classified_at       timestamptz
) WITH (fillfactor = 60, autovacuum_vacuum_scale_factor = 0.05, autovacuum_vacuum_insert_scale_factor = 0.05);

-- Existing readings: one pass over every kept raw row.
INSERT INTO influencer_aggregates (pk, readings, follower_sum, following_sum, latest_scheduled_at,
                                   latest_fetched_at, latest_followers, latest_following)
SELECT DISTINCT ON (pk) pk,
       count(*) OVER w, sum(follower_count) OVER w, sum(following_count) OVER w,
       scheduled_at, fetched_at, follower_count, following_count
FROM readings
WINDOW w AS (PARTITION BY pk)
ORDER BY pk, scheduled_at DESC;
