package io.mockstagram.nurse;

import io.lettuce.core.api.async.RedisAsyncCommands;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mockstagram.events.ClusterEvents;
import io.mockstagram.events.EpochFloor;
import io.mockstagram.events.NurseUpdated;
import io.mockstagram.events.ProducerStopped;
import io.mockstagram.membership.store.Eviction;
import io.mockstagram.membership.store.MembershipChange;
import io.mockstagram.membership.store.RedisMembershipStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * What the acting nurse does, all on one thread: evict expired leases, remove producers
 * that announced a stop, and announce every change in the membership changelog as
 * {@code nurse.updated}, in order and at least once.
 *
 * <p>Each eviction pass tells how long until the next lease can run out, and the nurse
 * sleeps exactly that long (at most {@code maxScanInterval}): a crashed producer is evicted
 * the moment its lease ends, and a healthy cluster costs Redis almost nothing.
 */
final class NurseDuties {

    private static final Logger log = LoggerFactory.getLogger(NurseDuties.class);
    private static final int RELAY_BATCH = 100;

    private final ScheduledExecutorService loop;
    private final RedisMembershipStore store;
    private final RedisAsyncCommands<String, String> redis;
    private final ClusterEvents events;
    private final String nurseId;
    private final Duration maxScanInterval;
    private final Counter evictions;
    private final Counter stopsHandled;
    private final Counter updatesPublished;
    private final Counter relayFailures;
    private final Counter repairs;
    private final EpochFloor floor;

    // Confined to the loop thread.
    private boolean acting;
    private ScheduledFuture<?> nextScan;
    private boolean scanInFlight;
    private long lastPassEpoch = -1;
    private boolean relayInFlight;
    private boolean relayAgain;
    private int failedRelays;
    private volatile String relayedId;

    NurseDuties(ScheduledExecutorService loop, RedisMembershipStore store, RedisAsyncCommands<String, String> redis,
                ClusterEvents events, EpochFloor floor, String nurseId, Duration maxScanInterval, MeterRegistry registry) {
        this.floor = floor;
        this.loop = loop;
        this.store = store;
        this.redis = redis;
        this.events = events;
        this.nurseId = nurseId;
        this.maxScanInterval = maxScanInterval;
        this.evictions = Counter.builder("mockstagram.nurse.evictions").description("Producers evicted after their lease ran out")
                .register(registry);
        this.stopsHandled = Counter.builder("mockstagram.nurse.stops").description("producer.stopped events handled")
                .register(registry);
        this.updatesPublished = Counter.builder("mockstagram.nurse.updates.published").register(registry);
        this.relayFailures = Counter.builder("mockstagram.nurse.updates.failed").register(registry);
        this.repairs = Counter.builder("mockstagram.nurse.map.repairs")
                .description("Membership maps rebuilt because they were inconsistent or older than an epoch seen")
                .register(registry);
    }

    /** Starts acting: resumes the changelog where the last acting nurse left it, and scans. */
    void begin() {
        loop.execute(() -> redis.get(store.keys().relayed()).whenCompleteAsync((id, failure) -> {
            if (failure == null) {
                relayedId = id;
            }
            acting = true;
            scan();
        }, loop));
    }

    void end() {
        loop.execute(() -> {
            acting = false;
            if (nextScan != null) {
                nextScan.cancel(false);
                nextScan = null;
            }
        });
    }

    /** Redis announced a change (a producer joined or left, say): relay it now rather than at the next scan. */
    void membershipChanged() {
        loop.execute(() -> {
            if (acting) {
                relay();
            }
        });
    }

    String relayedId() {
        return relayedId;
    }

    /** Removes a producer that announced its stop (it may have left already), then announces the change. */
    void handleStopped(ProducerStopped stopped, Runnable ack) {
        loop.execute(() -> store.leave(stopped.serverName(), stopped.incarnation(), Math.max(stopped.epoch(), floor.current()))
                .whenCompleteAsync((reply, failure) -> {
                    if (failure != null) {
                        log.warn("could not remove stopped producer {}: {}", stopped.serverName(), failure.getMessage());
                        return; // unacknowledged: JetStream delivers it again
                    }
                    stopsHandled.increment();
                    relay();
                    ack.run();
                }, loop));
    }

    private void scan() {
        if (scanInFlight || !acting) {
            return;
        }
        scanInFlight = true;
        store.evictExpired(nurseId, floor.current()).whenCompleteAsync((pass, failure) -> {
            scanInFlight = false;
            if (!acting) {
                return;
            }
            Duration wait = maxScanInterval;
            if (failure != null) {
                log.debug("eviction pass failed: {}", failure.getMessage());
            } else if (pass.needsRepair()) {
                repair(pass);
            } else if (!pass.leader()) {
                log.debug("Redis names another nurse as leader; not evicting");
            } else {
                floor.observe(pass.epoch());
                pass.evicted().forEach(name -> evictions.increment());
                if (pass.epoch() != lastPassEpoch || failedRelays > 0) {
                    relay();
                }
                lastPassEpoch = pass.epoch();
                // One millisecond past the deadline, the lease has certainly run out by Redis time.
                wait = pass.nextExpiry().map(d -> d.plusMillis(1)).filter(d -> d.compareTo(maxScanInterval) < 0)
                        .orElse(maxScanInterval);
            }
            if (nextScan != null) {
                nextScan.cancel(false);
            }
            nextScan = loop.schedule(this::scan, wait.toNanos(), TimeUnit.NANOSECONDS);
        }, loop);
    }

    /** Rebuilds a map no member can trust; its members fence themselves and rejoin. */
    private void repair(Eviction pass) {
        log.atWarn().setMessage("the membership map cannot be trusted; rebuilding it")
                .addKeyValue("why", pass.outcome()).addKeyValue("redisEpoch", pass.epoch())
                .addKeyValue("epochFloor", floor.current()).log();
        store.repair(floor.current(), UUID.randomUUID().toString()).whenComplete((reply, failure) -> {
            if (failure != null) {
                log.warn("could not rebuild the membership map: {}", failure.getMessage());
            } else {
                repairs.increment();
                floor.observe(reply.epoch());
            }
        });
    }

    private void relay() {
        if (relayInFlight) {
            relayAgain = true;
            return;
        }
        relayInFlight = true;
        relayAgain = false;
        store.changesAfter(relayedId, RELAY_BATCH)
                .thenCompose(this::publishInOrder)
                .whenCompleteAsync((fullBatch, failure) -> {
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
                }, loop);
    }

    /** Publishes each change after the previous one is acknowledged; completes with whether the batch was full. */
    private CompletableFuture<Boolean> publishInOrder(List<MembershipChange> changes) {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (MembershipChange change : changes) {
            chain = chain.thenCompose(ignored -> events.publish(toEvent(change)).thenAccept(ack -> {
                logChange(change);
                updatesPublished.increment();
                relayedId = change.id();
                redis.set(store.keys().relayed(), change.id());
                floor.raise(change.epoch());
            }));
        }
        return chain.thenApply(ignored -> changes.size() == RELAY_BATCH);
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
