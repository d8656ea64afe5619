-- What the pipeline gave up on, kept so that nothing vanishes without a record: a pk the
-- fetchers could not fetch, or a reading the updaters could not store, for one tick
-- (scheduled_at, the tick's start, as in readings). The primary key de-duplicates: a task or
-- batch dead-lettered twice (redelivered, or fetched by two fetchers) leaves one row, the
-- first. seq orders the list newest first and is its paging cursor.
--
-- Not partitioned and rarely written (a healthy pipeline writes nothing); rows stay until
-- deleted by hand. Old code ignores the table, so old and new roles run side by side.
CREATE TABLE dead_letters (
    seq          bigint      GENERATED ALWAYS AS IDENTITY,
    pk           integer     NOT NULL,
    scheduled_at timestamptz NOT NULL,
    stage        text        NOT NULL CHECK (stage IN ('fetch', 'store')),
    reason       text        NOT NULL,
    attempts     integer     NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pk, scheduled_at)
);

CREATE UNIQUE INDEX dead_letters_seq ON dead_letters (seq);
