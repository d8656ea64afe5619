package io.mockstagram.membership;

import io.mockstagram.membership.store.RedisMembershipStore;
import io.mockstagram.membership.store.StoreReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;

/**
 * One member of a dense numbering: it joins, keeps its lease alive, follows renumbering
 * and fences itself when it cannot be sure its lease still holds.
 *
 * <p>All state changes happen on the member's own thread, so they need no locks;
 * {@link #assignment()} may be called from any thread and never returns a stale
 * {@code ACTIVE}: it checks the monotonic clock against the fencing deadline itself.
 *
 * <p>Redis may forget the map (a restart without persistence, FLUSHALL) or come back with an
 * older copy. Every reply and notice names the map's generation: a member that hears of
 * another generation than its own, or of a map older than an epoch it has seen, stops acting
 * and rejoins; one that joins a map younger than one lease waits until the lease has passed,
 * by when every member of the forgotten map has stopped acting.
 *
 * <p>{@link #close()} stops without leaving, as a crash would: the nurse evicts the member
 * once its lease runs out. Call {@link #leave()} first for a graceful stop.
 */
public final class Member implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Member.class);
    private static final Duration MIN_JOIN_WAIT = Duration.ofMillis(10);

    private final RedisMembershipStore store;
    private final MemberConfig config;
    private final String incarnation = UUID.randomUUID().toString();
    private final ScheduledThreadPoolExecutor loop;
    private final Backoff backoff;
    private final List<MembershipListener> listeners = new CopyOnWriteArrayList<>();
    private final List<LongConsumer> renewalObservers = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Assignment> firstActive = new CompletableFuture<>();
    private final AtomicLong loopFailures = new AtomicLong();

    // Written on the loop thread only; volatile so that any thread may read them.
    private volatile Assignment assignment;
    private volatile long fenceAtNanos;
    private volatile Instant assignedAt = Instant.now();

    // Confined to the loop thread.
    private long highestEpochSeen;
    /** The generation of the map this member joined; null before its first join. */
    private String generation;
    private volatile boolean waitedForYoungMap;
    private boolean requestInFlight;
    private boolean refreshRequested;
    private boolean stopped;
    /** Until {@link #start()}, hints (notices, events, refresh requests) must not make it join. */
    private boolean started;
    private int consecutiveFailures;
    private ScheduledFuture<?> nextAttempt;
    private ScheduledFuture<?> fenceCheck;

    public Member(RedisMembershipStore store, MemberConfig config) {
        this.store = store;
        this.config = config;
        this.assignment = Assignment.joining(config.name());
        this.backoff = new Backoff(Duration.ofMillis(50), config.heartbeat());
        this.loop = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "member-" + config.name());
            thread.setDaemon(true);
            return thread;
        });
        this.loop.setRemoveOnCancelPolicy(true);
        // Pay now rather than on the way to ACTIVE: the loop's thread, a record's first
        // equals() (it bootstraps method handles, some 15 ms) and loading the map rules.
        this.loop.prestartCoreThread();
        assignment.equals(assignment.withState(MemberState.FENCED));
        MapRules.settleWait(0, config.lease());
    }

    public MemberConfig config() {
        return config;
    }

    /** The id of this process's claim on the name; a restart under the same name gets a new one. */
    public String incarnation() {
        return incarnation;
    }

    public Member addListener(MembershipListener listener) {
        listeners.add(listener);
        return this;
    }

    /**
     * Tells {@code observer} the round trip of every answered renewal, in nanoseconds: from
     * sending it to handling the reply on the member's thread, which is the delay that counts
     * against the fencing deadline. Called on the member's thread; it must be quick.
     */
    public Member addRenewalObserver(LongConsumer observer) {
        renewalObservers.add(observer);
        return this;
    }

    /** Starts joining in the background. */
    public Member start() {
        onLoop(() -> {
            started = true;
            join();
        });
        return this;
    }

    /** Completes the first time the member becomes ACTIVE. */
    public CompletionStage<Assignment> firstActive() {
        return firstActive;
    }

    /** The current assignment; ACTIVE only while the lease is certainly alive. */
    public Assignment assignment() {
        Assignment current = assignment;
        if (current.isActive() && lapsed()) {
            onLoop(this::fenceIfLapsed);
            return current.withState(MemberState.FENCED);
        }
        return current;
    }

    /**
     * Raises the lowest epoch this member accepts and creates epochs above: a floor kept
     * elsewhere (the highest epoch the cluster recorded) for a process that has seen none.
     */
    public void raiseEpochFloor(long epoch) {
        onLoop(() -> highestEpochSeen = Math.max(highestEpochSeen, epoch));
    }

    /** Failures caught in the member's loop, each logged; the loop carries on after them. */
    public long loopFailures() {
        return loopFailures.get();
    }

    /** Whether the first activation waited for a map younger than one lease to settle. */
    public boolean waitedForYoungMap() {
        return waitedForYoungMap;
    }

    /** Wall-clock time of the last change to the assignment, for reports; fencing never uses it. */
    public Instant assignedAt() {
        return assignedAt;
    }

    /** Asks Redis for the current assignment now, renewing the lease on the way. */
    public void refresh() {
        onLoop(this::refreshNow);
    }

    /**
     * A hint (an event) that the membership of {@code generation} ('' if unnamed) reached
     * {@code epoch}: refreshes unless already there, and stops acting first when it is
     * another map than this member's.
     */
    public void refreshIfBehind(String generation, long epoch) {
        onLoop(() -> {
            if (!stopped && started) {
                act(MapRules.onHint(this.generation, assignment, epoch, generation), "an event");
            }
        });
    }

    /**
     * Follows a change Redis announced. A member that holds the previous epoch applies it
     * directly (a notice comes from the very script that made the change); one that missed
     * a change, or is itself the member removed, asks Redis instead.
     */
    public void follow(ChangeNotice notice) {
        onLoop(() -> {
            Assignment current = assignment;
            if (stopped || !started) {
                return;
            }
            MapRules.Action action = MapRules.onNotice(generation, current, notice.epoch(), notice.generation(),
                    notice.name().equals(config.name()));
            if (action != MapRules.Action.APPLY) {
                act(action, "a change notice");
                return;
            }
            boolean movedHere = notice.move().filter(move -> move.name().equals(config.name())).isPresent();
            int number = movedHere ? notice.move().get().to() : current.serverNumber();
            highestEpochSeen = Math.max(highestEpochSeen, notice.epoch());
            transition(new Assignment(config.name(), current.state(), number, notice.total(), notice.epoch()));
            if (movedHere) {
                // Renewing acknowledges the new number, which lets waiting newcomers join.
                refreshNow();
            }
        });
    }

    private void act(MapRules.Action action, String source) {
        switch (action) {
            case IGNORE, APPLY -> {
            }
            case REFRESH -> refreshNow();
            case FENCE_AND_REFRESH -> {
                log.atWarn().setMessage("heard of another map than the one joined; fenced until Redis says more")
                        .addKeyValue("member", config.name()).addKeyValue("source", source).log();
                transition(assignment.withState(MemberState.FENCED));
                refreshNow();
            }
        }
    }

    /** Stops acting and leaves at once, without waiting for the lease to run out. */
    public CompletionStage<StoreReply> leave() {
        return leave(null);
    }

    /**
     * As {@link #leave()}, telling the survivors that this member's work stopped at
     * {@code stoppedWorkAt} ({@code null}: it does not say), so that they redo only what
     * it left undone since then.
     */
    public CompletionStage<StoreReply> leave(Instant stoppedWorkAt) {
        long stoppedAtMs = stoppedWorkAt == null ? 0 : stoppedWorkAt.toEpochMilli();
        var left = new CompletableFuture<StoreReply>();
        onLoop(() -> {
            stopAttempts();
            // Stop acting, then leave, and only then tell listeners: survivors wait on the leave.
            Assignment leaving = assignment.withState(MemberState.LEAVING);
            Assignment previous = swap(leaving);
            CompletionStage<StoreReply> reply = store.leave(config.name(), incarnation, highestEpochSeen, stoppedAtMs);
            announce(previous, leaving);
            reply.whenComplete((answer, failure) -> {
                if (failure != null) {
                    log.warn("leave failed; the nurse will evict {} when its lease runs out", config.name(), failure);
                    left.completeExceptionally(failure);
                } else {
                    log.atInfo().setMessage("left").addKeyValue("member", config.name())
                            .addKeyValue("total", answer.total()).addKeyValue("epoch", answer.epoch()).log();
                    left.complete(answer);
                }
            });
        });
        return left;
    }

    /** Stops without leaving, as a crash would. */
    @Override
    public void close() {
        if (loop.isShutdown()) {
            return;
        }
        loop.execute(this::stopAttempts);
        loop.shutdown();
        try {
            loop.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- joining

    private void join() {
        if (stopped || requestInFlight) {
            return;
        }
        cancelNextAttempt();
        requestInFlight = true;
        long sentAt = System.nanoTime();
        store.join(config.name(), incarnation, config.lease(), highestEpochSeen, UUID.randomUUID().toString())
                .whenCompleteAsync(guarded((reply, failure) -> onJoinReply(sentAt, reply, failure)), loop);
    }

    private void onJoinReply(long sentAt, StoreReply reply, Throwable failure) {
        requestInFlight = false;
        refreshRequested = false;
        if (stopped) {
            return;
        }
        if (failure != null) {
            retryAfterFailure("join", failure, this::join);
            return;
        }
        consecutiveFailures = 0;
        switch (reply.outcome()) {
            case JOINED, KEPT -> {
                generation = reply.generation();
                Duration settle = MapRules.settleWait(reply.generationAgeMillis(), config.lease());
                if (settle.isZero()) {
                    activate(sentAt, reply);
                } else {
                    awaitSettledMap(reply, settle);
                }
            }
            case WAIT -> schedule(this::join, clamp(Duration.ofMillis(reply.waitMillis())));
            case INCONSISTENT -> repair(reply);
            default -> throw new IllegalStateException("join cannot answer " + reply.outcome());
        }
    }

    /**
     * Holds a number in a map younger than one lease: members of a map Redis forgot may still
     * act on the same number until their leases are over. Joining again renews the lease
     * meanwhile and tells the map's age; the member acts once it is one lease old.
     */
    private void awaitSettledMap(StoreReply reply, Duration settle) {
        if (!waitedForYoungMap) {
            log.atInfo().setMessage("joined a map younger than one lease; waiting before acting")
                    .addKeyValue("member", config.name()).addKeyValue("number", reply.number())
                    .addKeyValue("epoch", reply.epoch()).addKeyValue("waitMs", settle.toMillis()).log();
        }
        waitedForYoungMap = true;
        highestEpochSeen = Math.max(highestEpochSeen, reply.epoch());
        transition(new Assignment(config.name(), MemberState.JOINING, reply.number(), reply.total(),
                Math.max(reply.epoch(), assignment.epoch())));
        Duration next = settle.compareTo(config.heartbeat()) < 0 ? settle.plusMillis(1) : config.heartbeat();
        schedule(this::join, next);
    }

    /** The keys contradict each other: stop acting, have Redis rebuild the map if it still must, rejoin. */
    private void repair(StoreReply reply) {
        log.atError().setMessage("Redis holds an inconsistent membership map; rebuilding it and rejoining")
                .addKeyValue("member", config.name()).addKeyValue("problem", reply.detail()).log();
        loseMap();
        requestInFlight = true;
        store.repair(highestEpochSeen, UUID.randomUUID().toString())
                .whenCompleteAsync(guarded((repaired, failure) -> {
                    requestInFlight = false;
                    if (stopped) {
                        return;
                    }
                    if (failure != null) {
                        retryAfterFailure("repair", failure, this::join);
                        return;
                    }
                    schedule(this::join, backoff.delay(consecutiveFailures++));
                }), loop);
    }

    /** Forgets the map: stops acting, keeps the highest epoch seen, and is ready to join afresh. */
    private void loseMap() {
        generation = null;
        Assignment current = assignment;
        transition(new Assignment(config.name(), MemberState.JOINING, 0, 0,
                Math.max(current.epoch(), highestEpochSeen)));
    }

    // ---- renewing

    private void refreshNow() {
        if (stopped || !started) {
            return;
        }
        if (requestInFlight) {
            refreshRequested = true;
        } else if (assignment.state() == MemberState.JOINING) {
            join();
        } else {
            renew();
        }
    }

    private void renew() {
        if (stopped || requestInFlight) {
            return;
        }
        cancelNextAttempt();
        requestInFlight = true;
        long sentAt = System.nanoTime();
        store.heartbeat(config.name(), incarnation, config.lease(), generation == null ? "" : generation, highestEpochSeen)
                .whenCompleteAsync(guarded((reply, failure) -> onRenewReply(sentAt, reply, failure)), loop);
    }

    private void onRenewReply(long sentAt, StoreReply reply, Throwable failure) {
        requestInFlight = false;
        if (stopped) {
            return;
        }
        if (failure != null) {
            fenceIfLapsed();
            retryAfterFailure("renewal", failure, this::renew);
            return;
        }
        long roundTrip = System.nanoTime() - sentAt;
        renewalObservers.forEach(observer -> observer.accept(roundTrip));
        consecutiveFailures = 0;
        switch (reply.outcome()) {
            case RENEWED -> activate(sentAt, reply);
            case GONE -> {
                log.atWarn().setMessage("no longer a member (evicted); rejoining")
                        .addKeyValue("member", config.name()).log();
                transition(new Assignment(config.name(), MemberState.JOINING, 0, reply.total(),
                        Math.max(reply.epoch(), assignment.epoch())));
                join();
                return;
            }
            case FOREIGN -> {
                log.atWarn().setMessage("Redis holds another map than the one joined (lost, rebuilt or older); rejoining")
                        .addKeyValue("member", config.name()).addKeyValue("redisEpoch", reply.epoch())
                        .addKeyValue("highestEpochSeen", highestEpochSeen).log();
                loseMap();
                join();
                return;
            }
            case INCONSISTENT -> {
                repair(reply);
                return;
            }
            case SUPERSEDED -> {
                log.atError().setMessage("another process joined under this name; this one stops acting for good")
                        .addKeyValue("member", config.name()).log();
                stopAttempts();
                transition(assignment.withState(MemberState.FENCED));
                return;
            }
            default -> throw new IllegalStateException("heartbeat cannot answer " + reply.outcome());
        }
        if (refreshRequested) {
            refreshRequested = false;
            renew();
        }
    }

    private void activate(long sentAt, StoreReply reply) {
        highestEpochSeen = Math.max(highestEpochSeen, reply.epoch());
        fenceAtNanos = sentAt + config.fenceAfter().toNanos();
        long now = System.nanoTime();
        // A notice may already have brought a newer epoch than this reply.
        Assignment current = assignment;
        boolean newer = current.state() == MemberState.JOINING || reply.epoch() >= current.epoch();
        int number = newer ? reply.number() : current.serverNumber();
        int total = newer ? reply.total() : current.total();
        long epoch = newer ? reply.epoch() : current.epoch();
        if (lapsed()) {
            // The reply took longer than the fencing margin; the lease may already be short.
            transition(new Assignment(config.name(), MemberState.FENCED, number, total, epoch));
            renew();
            return;
        }
        transition(new Assignment(config.name(), MemberState.ACTIVE, number, total, epoch));
        schedule(this::renew, Duration.ofNanos(Math.max(0, sentAt + config.heartbeat().toNanos() - now)));
        if (fenceCheck != null) {
            fenceCheck.cancel(false);
        }
        fenceCheck = loop.schedule(guarded(this::fenceIfLapsed), fenceAtNanos - now, TimeUnit.NANOSECONDS);
    }

    // ---- fencing

    private boolean lapsed() {
        return System.nanoTime() - fenceAtNanos >= 0;
    }

    private void fenceIfLapsed() {
        if (assignment.isActive() && lapsed()) {
            log.atWarn().setMessage("lease not renewed in time; fenced until Redis confirms the number")
                    .addKeyValue("member", config.name()).addKeyValue("number", assignment.serverNumber()).log();
            transition(assignment.withState(MemberState.FENCED));
        }
    }

    // ---- plumbing

    /** Runs on the member's thread; a closed member ignores requests. */
    private void onLoop(Runnable task) {
        try {
            loop.execute(guarded(task));
        } catch (RejectedExecutionException closed) {
            log.debug("member {} is closed; ignoring a request", config.name());
        }
    }

    /**
     * Whatever goes wrong in one step of the loop is logged and counted, and the member asks
     * Redis again: an executor would otherwise swallow the failure, and with it every later
     * renewal.
     */
    private Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (Exception | Error e) {
                recoverFrom(e);
            }
        };
    }

    private <T> BiConsumer<T, Throwable> guarded(BiConsumer<T, Throwable> callback) {
        return (value, failure) -> guarded(() -> callback.accept(value, failure)).run();
    }

    private void recoverFrom(Throwable e) {
        if (e instanceof RejectedExecutionException && loop.isShutdown()) {
            // A step that was under way when the member closed: nothing failed.
            log.debug("member {} is closed; dropping a step", config.name());
            return;
        }
        loopFailures.incrementAndGet();
        log.atError().setMessage("membership loop step failed; carrying on").addKeyValue("member", config.name())
                .setCause(e).log();
        requestInFlight = false;
        if (!stopped && !loop.isShutdown()) {
            fenceIfLapsed();
            schedule(this::refreshNow, backoff.delay(Math.min(consecutiveFailures, 5)));
        }
    }

    private void transition(Assignment next) {
        if (!next.equals(assignment)) {
            announce(swap(next), next);
        }
    }

    /** Makes {@code next} what everyone sees, returning what it replaces. */
    private Assignment swap(Assignment next) {
        Assignment previous = assignment;
        assignment = next;
        assignedAt = Instant.now();
        return previous;
    }

    private void announce(Assignment previous, Assignment next) {
        if (next.isActive()) {
            firstActive.complete(next);
        }
        if (previous.state() != next.state()) {
            log.atInfo().setMessage("state changed").addKeyValue("member", config.name())
                    .addKeyValue("from", previous.state()).addKeyValue("to", next.state())
                    .addKeyValue("number", next.serverNumberIfActive()).addKeyValue("total", next.total())
                    .addKeyValue("epoch", next.epoch()).log();
        }
        for (MembershipListener listener : listeners) {
            try {
                listener.assignmentChanged(previous, next);
            } catch (RuntimeException e) {
                loopFailures.incrementAndGet();
                log.error("membership listener failed", e);
            }
        }
    }

    private void retryAfterFailure(String what, Throwable failure, Runnable retry) {
        Duration delay = backoff.delay(consecutiveFailures++);
        if (consecutiveFailures == 1 || consecutiveFailures % 20 == 0) {
            log.atWarn().setMessage(what + " failed; retrying with backoff").addKeyValue("member", config.name())
                    .addKeyValue("attempt", consecutiveFailures).addKeyValue("retryInMs", delay.toMillis())
                    .addKeyValue("error", String.valueOf(failure.getMessage())).log();
        }
        schedule(retry, delay);
    }

    private Duration clamp(Duration wait) {
        if (wait.compareTo(MIN_JOIN_WAIT) < 0) {
            return MIN_JOIN_WAIT;
        }
        return wait.compareTo(config.heartbeat()) > 0 ? config.heartbeat() : wait;
    }

    private void schedule(Runnable attempt, Duration delay) {
        cancelNextAttempt();
        nextAttempt = loop.schedule(guarded(attempt), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void cancelNextAttempt() {
        if (nextAttempt != null) {
            nextAttempt.cancel(false);
            nextAttempt = null;
        }
    }

    private void stopAttempts() {
        stopped = true;
        cancelNextAttempt();
        if (fenceCheck != null) {
            fenceCheck.cancel(false);
        }
    }
}
