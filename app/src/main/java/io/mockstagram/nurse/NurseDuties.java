package io.mockstagram.nurse;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mockstagram.events.NurseUpdated;
import io.mockstagram.events.ProducerStopped;
import io.mockstagram.infra.LoopGuard;
import io.mockstagram.membership.store.Eviction;
import io.mockstagram.membership.store.MembershipChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * What the acting nurse does, all on one thread: evict expired leases, remove producers
 * that announced a stop, and announce every change in the membership changelog as
 * {@code nurse.updated}, in order and at least once.
 *
 * <p>Each eviction pass tells how long until the next lease can run out, and the nurse
 * sleeps exactly that long (at most {@code maxScanInterval}): a crashed producer is evicted
 * the moment its lease ends, and a healthy cluster costs Redis almost nothing.
 *
 * <p>Each leadership period is a term with a number of its own. Every call to Redis or
 * NATS remembers the term it was made in, and its answer is acted on (evictions counted,
 * changes relayed, a stop acknowledged, the next announcement sent) only if that term is
 * still the current one: a nurse that lost the lease while a call was in flight never acts
 * on its answer. Such answers are counted as {@code mockstagram_nurse_stale_answers_total}.
 */
final class NurseDuties {

    private static final Logger log = LoggerFactory.getLogger(NurseDuties.class);
    private static final int RELAY_BATCH = 100;

    enum Phase {
        /** Another nurse acts, or none. */
        STANDING_BY,
        /** Leading; reading where the last acting nurse left the changelog. */
        RESUMING,
        /** Leading, evicting and announcing. */
        ACTING
    }

    private final ScheduledExecutorService loop;
    private final DutyStore store;
    private final Function<NurseUpdated, CompletionStage<?>> announce;
    private final String nurseId;
    private final Duration maxScanInterval;
    private final LoopGuard guard;
    private final MeterRegistry registry;
    private final Counter evictions;
    private final Counter stopsHandled;
    private final Counter updatesPublished;
    private final Counter relayFailures;
    private final Counter terms;
    private final Counter repairs;

    // Confined to the loop thread.
    private Phase phase = Phase.STANDING_BY;
    private long term;
    private ScheduledFuture<?> nextScan;
    private boolean scanInFlight;
    private long lastPassEpoch;
    private boolean relayInFlight;
    private boolean relayAgain;
    private int failedRelays;
    private volatile String relayedId;

    NurseDuties(ScheduledExecutorService loop, DutyStore store, Function<NurseUpdated, CompletionStage<?>> announce,
                String nurseId, Duration maxScanInterval, MeterRegistry registry, LoopGuard guard) {
        this.loop = loop;
        this.store = store;
        this.announce = announce;
        this.nurseId = nurseId;
        this.maxScanInterval = maxScanInterval;
        this.guard = guard;
        this.registry = registry;
        this.evictions = Counter.builder("mockstagram.nurse.evictions").description("Producers evicted after their lease ran out")
                .register(registry);
        this.stopsHandled = Counter.builder("mockstagram.nurse.stops").description("producer.stopped events handled")
                .register(registry);
        this.updatesPublished = Counter.builder("mockstagram.nurse.updates.published").register(registry);
        this.relayFailures = Counter.builder("mockstagram.nurse.updates.failed").register(registry);
        this.repairs = Counter.builder("mockstagram.nurse.map.repairs")
                .description("Membership maps rebuilt because they were inconsistent or older than an epoch seen")
                .register(registry);
        this.terms = Counter.builder("mockstagram.nurse.terms").description("Leadership terms this nurse began")
                .register(registry);
    }

    /** A new term begins: resume the changelog where the last acting nurse left it, and scan. */
    void begin() {
        onLoop(() -> {
            long asked = startTerm(Phase.RESUMING);
            terms.increment();
            store.relayed().whenCompleteAsync((id, failure) -> inTerm(asked, "resume", () -> {
                if (failure == null) {
                    relayedId = id;
                } else {
                    log.warn("could not read which change was announced last; resuming from {}: {}", relayedId,
                            failure.getMessage());
                }
                phase = Phase.ACTING;
                scan();
                relay();
            }), loop);
        });
    }

    /** The term ends: nothing more is done, and no answer to a call made in it is acted on. */
    void end() {
        onLoop(() -> startTerm(Phase.STANDING_BY));
    }

    /** Redis announced a change (a producer joined or left, say): relay it now rather than at the next scan. */
    void membershipChanged() {
        onLoop(() -> {
            if (phase == Phase.ACTING) {
                relay();
            }
        });
    }

    String relayedId() {
        return relayedId;
    }

    /**
     * Removes a producer that announced its stop (it may have left already), then announces
     * the change and acknowledges the event. A nurse that does not lead leaves the event
     * unacknowledged, for the one that does.
     */
    void handleStopped(ProducerStopped stopped, Runnable ack) {
        onLoop(() -> {
            if (phase == Phase.STANDING_BY) {
                return;
            }
            long asked = term;
            // The producer's own leave usually comes first; should this one, the stop time it
            // announced lets the survivors take over exactly where its work stopped.
            long stoppedWorkAtMs = stopped.stoppedWorkAt() == null ? 0 : stopped.stoppedWorkAt().toEpochMilli();
            store.leave(stopped.serverName(), stopped.incarnation(), stopped.epoch(), stoppedWorkAtMs)
                    .whenCompleteAsync((reply, failure) -> inTerm(asked, "leave", () -> {
                        if (failure != null) {
                            log.warn("could not remove stopped producer {}: {}", stopped.serverName(), failure.getMessage());
                            return; // unacknowledged: JetStream delivers it again
                        }
                        stopsHandled.increment();
                        ack.run();
                        relay();
                    }), loop);
        });
    }

    /** Moves to a new term; whatever the previous one had in flight is now stale. */
    private long startTerm(Phase next) {
        term++;
        phase = next;
        if (nextScan != null) {
            nextScan.cancel(false);
            nextScan = null;
        }
        scanInFlight = false;
        lastPassEpoch = -1;
        relayInFlight = false;
        relayAgain = false;
        failedRelays = 0;
        return term;
    }

    private void onLoop(Runnable duty) {
        loop.execute(guard.wrap(duty));
    }

    /** Runs {@code act} with an answer to a call made in term {@code asked}, unless that term is over. */
    private void inTerm(long asked, String call, Runnable act) {
        guard.run(() -> {
            if (asked != term) {
                Counter.builder("mockstagram.nurse.stale.answers")
                        .description("Answers to calls made in an earlier leadership term, ignored")
                        .tag("call", call).register(registry).increment();
                log.atInfo().setMessage("ignoring an answer from an earlier term").addKeyValue("call", call)
                        .addKeyValue("term", asked).addKeyValue("currentTerm", term).log();
                return;
            }
            act.run();
        });
    }

    private void scan() {
        if (phase != Phase.ACTING) {
            return;
        }
        // Whatever becomes of this pass, another follows.
        scheduleScan(maxScanInterval);
        if (scanInFlight) {
            return;
        }
        long asked = term;
        CompletionStage<Eviction> pass = store.evictExpired(nurseId);
        scanInFlight = true;
        pass.whenCompleteAsync((eviction, failure) -> inTerm(asked, "eviction", () -> evicted(eviction, failure)), loop);
    }

    private void evicted(Eviction pass, Throwable failure) {
        scanInFlight = false;
        if (failure != null) {
            log.debug("eviction pass failed: {}", failure.getMessage());
            return;
        }
        if (pass.needsRepair()) {
            repair(pass);
            return;
        }
        if (!pass.leader()) {
            log.debug("Redis names another nurse as leader; not evicting");
            return;
        }
        pass.evicted().forEach(name -> evictions.increment());
        // One millisecond past the deadline, the lease has certainly run out by Redis time.
        scheduleScan(pass.nextExpiry().map(d -> d.plusMillis(1)).filter(d -> d.compareTo(maxScanInterval) < 0)
                .orElse(maxScanInterval));
        boolean changed = pass.epoch() != lastPassEpoch || failedRelays > 0;
        lastPassEpoch = pass.epoch();
        if (changed) {
            relay();
        }
    }

    /** Rebuilds a map no member can trust; its members fence themselves and rejoin. */
    private void repair(Eviction pass) {
        log.atWarn().setMessage("the membership map cannot be trusted; rebuilding it")
                .addKeyValue("why", pass.outcome()).addKeyValue("redisEpoch", pass.epoch()).log();
        long asked = term;
        store.repair().whenCompleteAsync((reply, failure) -> inTerm(asked, "repair", () -> {
            if (failure != null) {
                log.warn("could not rebuild the membership map: {}", failure.getMessage());
            } else {
                repairs.increment();
            }
        }), loop);
    }

    private void scheduleScan(Duration wait) {
        if (nextScan != null) {
            nextScan.cancel(false);
        }
        nextScan = loop.schedule(guard.wrap(this::scan), wait.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void relay() {
        if (phase != Phase.ACTING || relayInFlight) {
            relayAgain = true;
            return;
        }
        long asked = term;
        CompletionStage<Boolean> relayed;
        try {
            relayed = store.changesAfter(relayedId, RELAY_BATCH)
                    .thenComposeAsync(changes -> announceInOrder(asked, changes), loop);
        } catch (RuntimeException e) {
            failedRelays++; // the next scan tries again
            throw e;
        }
        relayInFlight = true;
        relayAgain = false;
        relayed.whenCompleteAsync((fullBatch, failure) -> inTerm(asked, "relay", () -> {
            relayInFlight = false;
            if (failure != null) {
                relayFailures.increment();
                if (failedRelays++ % 50 == 0) {
                    log.warn("could not announce membership changes; will retry: {}", failure.getMessage());
                }
                return;
            }
            failedRelays = 0;
            if (relayAgain || fullBatch) {
                relay();
            }
        }), loop);
    }

    /**
     * Announces each change after the previous one is acknowledged, each only while term
     * {@code asked} lasts; completes with whether the batch was full.
     */
    private CompletionStage<Boolean> announceInOrder(long asked, List<MembershipChange> changes) {
        CompletionStage<?> chain = CompletableFuture.completedFuture(null);
        for (MembershipChange change : changes) {
            chain = chain.thenComposeAsync(ignored -> {
                requireTerm(asked);
                return announce.apply(toEvent(change));
            }, loop).thenAcceptAsync(ack -> {
                requireTerm(asked);
                logChange(change);
                updatesPublished.increment();
                relayedId = change.id();
                store.markRelayed(nurseId, change.id());
            }, loop);
        }
        return chain.thenApply(ignored -> changes.size() == RELAY_BATCH);
    }

    private void requireTerm(long asked) {
        if (asked != term) {
            throw new IllegalStateException("term " + asked + " is over");
        }
    }

    private NurseUpdated toEvent(MembershipChange change) {
        NurseUpdated.Moved moved = change.move()
                .map(m -> new NurseUpdated.Moved(m.name(), m.from(), m.to()))
                .orElse(null);
        return new NurseUpdated(change.epoch(), change.kind().name(), change.name(), change.number(), change.total(),
                moved, change.id(), nurseId, Instant.now(), change.generation());
    }

    private static void logChange(MembershipChange change) {
        var line = log.atInfo().setMessage("membership changed")
                .addKeyValue("change", change.kind())
                .addKeyValue("member", change.name())
                .addKeyValue("number", change.number())
                .addKeyValue("total", change.total())
                .addKeyValue("epoch", change.epoch());
        change.move().ifPresent(m -> line.addKeyValue("moved", m.name() + " " + m.from() + "->" + m.to()));
        line.log();
    }
}
