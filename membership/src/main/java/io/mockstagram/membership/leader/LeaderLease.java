package io.mockstagram.membership.leader;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.mockstagram.membership.Backoff;
import io.mockstagram.membership.store.LuaScript;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Elects one acting candidate among several through a Redis key with a TTL.
 *
 * <p>The holder renews every third of the lease; the others retry as soon as the key can
 * have expired, so a standby takes over within one lease of the holder's death. Like a
 * member, the holder fences itself half a lease after its last successful renewal, before
 * Redis can hand the lease to someone else. Work done under the lease should also be
 * checked against the key in Redis, as the eviction script does.
 */
public final class LeaderLease implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LeaderLease.class);
    private static final LuaScript ACQUIRE = LuaScript.fromResources(LeaderLease.class, "acquire.lua");
    private static final LuaScript RELEASE = LuaScript.fromResources(LeaderLease.class, "release.lua");

    private final RedisAsyncCommands<String, String> redis;
    private final String key;
    private final String candidateId;
    private final Duration lease;
    private final LeadershipListener listener;
    private final Backoff backoff;
    private final ScheduledThreadPoolExecutor loop;
    private final AtomicLong loopFailures = new AtomicLong();

    private volatile boolean leader;
    private volatile long fenceAtNanos;
    private ScheduledFuture<?> next;
    private ScheduledFuture<?> fenceCheck;
    private int consecutiveFailures;
    private boolean closed;

    public LeaderLease(RedisAsyncCommands<String, String> redis, String key, String candidateId, Duration lease,
                       LeadershipListener listener) {
        this.redis = redis;
        this.key = key;
        this.candidateId = candidateId;
        this.lease = lease;
        this.listener = listener;
        this.backoff = new Backoff(Duration.ofMillis(50), lease.dividedBy(3));
        this.loop = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "leader-lease-" + candidateId);
            thread.setDaemon(true);
            return thread;
        });
        this.loop.setRemoveOnCancelPolicy(true);
    }

    public LeaderLease start() {
        loop.execute(guarded(this::attempt));
        return this;
    }

    /** Failures caught in the lease's loop (a listener that threw, say), each logged; the loop carries on. */
    public long loopFailures() {
        return loopFailures.get();
    }

    public String candidateId() {
        return candidateId;
    }

    /** True only while the lease is certainly held. */
    public boolean isLeader() {
        return leader && System.nanoTime() - fenceAtNanos < 0;
    }

    private void attempt() {
        if (closed) {
            return;
        }
        long sentAt = System.nanoTime();
        CompletionStage<Long> acquired = ACQUIRE.run(redis, ScriptOutputType.INTEGER, List.of(key),
                candidateId, Long.toString(lease.toMillis()));
        acquired.thenCompose(won -> won == 1L ? CompletableFuture.completedStage(-1L) : redis.pttl(key)
                        .thenApply(ttl -> ttl < 0 ? 0L : ttl))
                .whenCompleteAsync((ttlIfLost, failure) -> guarded(() -> onReply(sentAt, ttlIfLost, failure)).run(), loop);
    }

    private void onReply(long sentAt, Long ttlIfLost, Throwable failure) {
        if (closed) {
            return;
        }
        Duration renewEvery = lease.dividedBy(3);
        if (failure != null) {
            fenceIfLapsed();
            Duration delay = backoff.delay(consecutiveFailures++);
            if (consecutiveFailures == 1) {
                log.warn("leader lease {} could not be renewed: {}; retrying", key, failure.getMessage());
            }
            scheduleAttempt(delay);
            return;
        }
        consecutiveFailures = 0;
        if (ttlIfLost < 0) {
            fenceAtNanos = sentAt + lease.toNanos() / 2;
            rescheduleFenceCheck();
            if (!leader) {
                log.atInfo().setMessage("acquired leadership").addKeyValue("key", key)
                        .addKeyValue("candidate", candidateId).log();
                // Leading only once the listener has taken over; should it throw, the next renewal tells it again.
                listener.leadershipAcquired();
                leader = true;
            }
            scheduleAttempt(Duration.ofNanos(Math.max(0, sentAt + renewEvery.toNanos() - System.nanoTime())));
        } else {
            lose("another candidate holds the lease");
            // Try again just after the holder's lease can have run out.
            Duration untilExpiry = Duration.ofMillis(ttlIfLost + 5);
            scheduleAttempt(untilExpiry.compareTo(renewEvery) < 0 ? untilExpiry : renewEvery);
        }
    }

    private void fenceIfLapsed() {
        if (leader && System.nanoTime() - fenceAtNanos >= 0) {
            lose("lease not renewed in time");
        }
    }

    private void lose(String why) {
        if (leader) {
            leader = false;
            // Handing over on a stop is routine; losing the lease any other way deserves a look.
            (closed ? log.atInfo() : log.atWarn()).setMessage("lost leadership").addKeyValue("key", key)
                    .addKeyValue("candidate", candidateId).addKeyValue("reason", why).log();
            listener.leadershipLost();
        }
    }

    private void rescheduleFenceCheck() {
        if (fenceCheck != null) {
            fenceCheck.cancel(false);
        }
        fenceCheck = loop.schedule(guarded(this::fenceIfLapsed), fenceAtNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    private void scheduleAttempt(Duration delay) {
        if (next != null) {
            next.cancel(false);
        }
        next = loop.schedule(guarded(this::attempt), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Whatever goes wrong in one step is logged and counted, and the lease is tried again:
     * an executor would otherwise swallow the failure, and with it every later renewal.
     */
    private Runnable guarded(Runnable step) {
        return () -> {
            try {
                step.run();
            } catch (Exception | Error e) {
                loopFailures.incrementAndGet();
                log.atError().setMessage("leader lease step failed; carrying on").addKeyValue("key", key)
                        .addKeyValue("candidate", candidateId).setCause(e).log();
                if (!closed && !loop.isShutdown()) {
                    scheduleAttempt(backoff.delay(0));
                }
            }
        };
    }

    /** Gives the lease up at once, so a standby need not wait for it to expire. */
    @Override
    public void close() {
        if (loop.isShutdown()) {
            return;
        }
        var released = new CompletableFuture<Void>();
        loop.execute(() -> {
            closed = true;
            if (next != null) {
                next.cancel(false);
            }
            boolean wasLeader = leader;
            lose("closing");
            if (!wasLeader) {
                released.complete(null);
                return;
            }
            RELEASE.<Long>run(redis, ScriptOutputType.INTEGER, List.of(key), candidateId)
                    .whenComplete((ignored, failure) -> released.complete(null));
        });
        try {
            released.get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("could not release leader lease {}: {}", key, e.toString());
        }
        loop.shutdown();
    }
}
