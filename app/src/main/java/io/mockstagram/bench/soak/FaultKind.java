package io.mockstagram.bench.soak;

/** The faults a soak injects; each is followed by what a supervisor would do (restart what died). */
enum FaultKind {
    /** kill -9 of a producer; restarted once the survivors agree on their numbers. */
    PRODUCER_KILL,
    /** SIGSTOP of a producer past its lease, then SIGCONT. */
    PRODUCER_PAUSE,
    /** SIGTERM of a producer, then the same producer started again. */
    PRODUCER_RESTART,
    /** kill -9 of the acting nurse, restarted at once (a standby takes over meanwhile). */
    NURSE_KILL,
    /** kill -9 of a fetcher, restarted at once. */
    FETCHER_KILL,
    /** kill -9 of an updater, restarted at once. */
    UPDATER_KILL,
    /** Redis killed and started again, empty. */
    REDIS_RESTART,
    /** FLUSHALL on a running Redis. */
    REDIS_FLUSHALL,
    /** NATS stopped and started again on the same JetStream store. */
    NATS_RESTART,
    /** PostgreSQL stopped (fast shutdown) and started again. */
    POSTGRES_RESTART
}
