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

/**
 * One member of a dense numbering: it joins, keeps its lease alive, follows renumbering
 * and fences itself when it cannot be sure its lease still holds.
 *
 * <p>All state changes happen on the member's own thread, so they need no locks;
 * {@link #assignment()} may be called from any thread and never returns a stale
 * {@code ACTIVE}: it checks the monotonic clock against the fencing deadline itself.
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
    private final CompletableFuture<Assignment> firstActive = new CompletableFuture<>();

    // Written on the loop thread only; volatile so that any thread may read them.
    private volatile Assignment assignment;
    private volatile long fenceAtNanos;
    private volatile Instant assignedAt = Instant.now();

    // Confined to the loop thread.
    private long highestEpochSeen;
    private boolean requestInFlight;
    private boolean refreshRequested;
    private boolean stopped;
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
        // A record's first equals() bootstraps method handles, some 15 ms: pay for it now
        // rather than on the way to ACTIVE.
        assignment.equals(assignment.withState(MemberState.FENCED));
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

    /** Starts joining in the background. */
    public Member start() {
        onLoop(this::join);
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

    /** Wall-clock time of the last change to the assignment, for reports; fencing never uses it. */
    public Instant assignedAt() {
        return assignedAt;
    }

    /** Asks Redis for the current assignment now, renewing the lease on the way. */
    public void refresh() {
        onLoop(this::refreshNow);
    }

    /** A hint that the membership reached {@code epoch}: refreshes unless already there. */
    public void refreshIfBehind(long epoch) {
        onLoop(() -> {
            if (epoch > assignment.epoch()) {
                refreshNow();
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
            if (stopped || notice.epoch() <= current.epoch()) {
                return;
            }
            boolean inStep = notice.epoch() == current.epoch() + 1 && current.state() != MemberState.JOINING;
            if (!inStep || notice.name().equals(config.name())) {
                refreshNow();
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

    /** Stops acting and leaves at once, without waiting for the lease to run out. */
    public CompletionStage<StoreReply> leave() {
        var left = new CompletableFuture<StoreReply>();
        onLoop(() -> {
            stopAttempts();
            // Stop acting, then leave, and only then tell listeners: survivors wait on the leave.
            Assignment leaving = assignment.withState(MemberState.LEAVING);
            Assignment previous = swap(leaving);
            CompletionStage<StoreReply> reply = store.leave(config.name(), incarnation, highestEpochSeen);
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
        store.join(config.name(), incarnation, config.lease(), highestEpochSeen)
                .whenCompleteAsync((reply, failure) -> onJoinReply(sentAt, reply, failure), loop);
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
            case JOINED, KEPT -> activate(sentAt, reply);
            case WAIT -> schedule(this::join, clamp(Duration.ofMillis(reply.waitMillis())));
            default -> throw new IllegalStateException("join cannot answer " + reply.outcome());
        }
    }

    // ---- renewing

    private void refreshNow() {
        if (stopped) {
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
        store.heartbeat(config.name(), incarnation, config.lease())
                .whenCompleteAsync((reply, failure) -> onRenewReply(sentAt, reply, failure), loop);
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
        consecutiveFailures = 0;
        switch (reply.outcome()) {
            case RENEWED -> activate(sentAt, reply);
            case GONE -> {
                log.atWarn().setMessage("no longer a member (evicted, or Redis lost the map); rejoining")
                        .addKeyValue("member", config.name()).log();
                transition(new Assignment(config.name(), MemberState.JOINING, 0, reply.total(), reply.epoch()));
                join();
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
        fenceCheck = loop.schedule(this::fenceIfLapsed, fenceAtNanos - now, TimeUnit.NANOSECONDS);
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
            loop.execute(task);
        } catch (RejectedExecutionException closed) {
            log.debug("member {} is closed; ignoring a request", config.name());
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
        nextAttempt = loop.schedule(attempt, delay.toNanos(), TimeUnit.NANOSECONDS);
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
