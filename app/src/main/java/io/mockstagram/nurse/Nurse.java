package io.mockstagram.nurse;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.mockstagram.events.ClusterEvents;
import io.mockstagram.events.EpochFloor;
import io.mockstagram.infra.HttpJson;
import io.mockstagram.infra.LoopGuard;
import io.mockstagram.infra.NatsLink;
import io.mockstagram.infra.OpsServer;
import io.mockstagram.infra.RoleContext;
import io.mockstagram.infra.RunningRole;
import io.mockstagram.membership.ChangeWatcher;
import io.mockstagram.membership.leader.LeaderLease;
import io.mockstagram.membership.leader.LeadershipListener;
import io.mockstagram.membership.store.RedisMembershipStore;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A nurse replica. All replicas stand by for the leader lease; the one holding it performs
 * the {@link NurseDuties}. A replica that loses the lease stops at once.
 */
public final class Nurse implements LeadershipListener, RunningRole {

    private static final Logger log = LoggerFactory.getLogger(Nurse.class);
    private static final Duration REDIS_COMMAND_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration STOP_CONSUMER_RETRY = Duration.ofSeconds(1);

    /** The body of {@code GET /status}. */
    public record Status(String nurseId, boolean leader, String relayedChange) {
    }

    private final NurseSettings settings;
    private final RoleContext context;
    private final NatsLink nats;
    private final NurseDuties duties;
    private final StopConsumer stops;
    private final ScheduledExecutorService stopsThread;
    private final LoopGuard stopsGuard;
    /** Confined to the stops thread. */
    private ScheduledFuture<?> retry;
    private final LeaderLease lease;
    private OpsServer http;
    private volatile boolean leading;

    private Nurse(NurseSettings settings, RoleContext context) {
        this.settings = settings;
        this.context = context;
        var cluster = settings.cluster();
        // Membership is all the nurse asks of Redis: its one connection gets an event loop of its own.
        var redis = context.connectMembershipRedis(cluster.redis(), REDIS_COMMAND_TIMEOUT, cluster.startupTimeout());
        this.nats = context.connectNats(cluster.nats(), false);
        var events = new ClusterEvents(nats, cluster.namespace());
        var store = new RedisMembershipStore(redis.connection().async(), cluster.namespace().membershipKeys());
        ScheduledExecutorService loop = daemonThread("nurse-duties");
        context.own(loop::shutdownNow);
        EpochFloor floor = context.own(new EpochFloor(nats, cluster.namespace()));
        this.duties = new NurseDuties(loop, DutyStore.redis(store, redis.connection().async(), floor), events::publish,
                settings.nurseId(), settings.scanInterval(), context.registry(), context.guard("nurse-duties"));
        context.own(new ChangeWatcher(redis.connectPubSub(), cluster.namespace().membershipKeys()))
                .addListener(notice -> {
                    floor.observe(notice.epoch());
                    duties.membershipChanged();
                });
        this.stops = new StopConsumer(cluster.namespace(), duties::handleStopped);
        this.stopsThread = daemonThread("nurse-stop-consumer");
        this.stopsGuard = context.guard("nurse-stop-consumer");
        context.own(() -> {
            stopsThread.shutdownNow();
            stops.stop();
        });
        nats.whenConnected(connection -> onStopsThread(this::consumeStopsIfLeading));
        this.lease = new LeaderLease(redis.connection().async(), store.keys().leader(), settings.nurseId(),
                settings.leaderLease(), this);
        context.own(lease);

        Gauge.builder("mockstagram.nurse.leader", () -> lease.isLeader() ? 1 : 0).register(context.registry());
        FunctionCounter.builder("mockstagram.membership.loop.failures", lease, LeaderLease::loopFailures)
                .description("Failures caught and survived in the membership loops").tag("loop", "leader-lease")
                .register(context.registry());
    }

    private static ScheduledExecutorService daemonThread(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    public static Nurse start(NurseSettings settings) {
        RoleContext context = RoleContext.create("nurse", settings.nurseId(), 1);
        try {
            Nurse nurse = new Nurse(settings, context);
            nurse.http = context.serveHttp(settings.httpPort(),
                    router -> router.get("/status").handler(ctx -> HttpJson.send(ctx, 200, nurse.status())));
            nurse.lease.start();
            return nurse;
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    public Status status() {
        return new Status(settings.nurseId(), lease.isLeader(), duties.relayedId());
    }

    public int httpPort() {
        return http.port();
    }

    /**
     * Called on the lease's thread, which must never wait on NATS or Redis: a renewal held
     * up would lose the lease. Both only hand work to the duties' and the stop consumer's threads.
     */
    @Override
    public void leadershipAcquired() {
        leading = true;
        duties.begin();
        onStopsThread(this::consumeStopsIfLeading);
    }

    @Override
    public void leadershipLost() {
        leading = false;
        duties.end();
        onStopsThread(stops::stop);
    }

    private void onStopsThread(Runnable task) {
        try {
            stopsThread.execute(stopsGuard.wrap(task));
        } catch (RejectedExecutionException e) {
            log.debug("the nurse is stopping; not consuming stops");
        }
    }

    /**
     * Consumes producer.stopped while this nurse leads. JetStream may not answer (NATS down,
     * or its JetStream still recovering): then it tries again shortly, on this thread only.
     */
    private void consumeStopsIfLeading() {
        if (!leading) {
            return;
        }
        var connection = nats.connection();
        if (connection.isEmpty() || !stops.start(connection.get())) {
            if (retry != null) {
                retry.cancel(false);
            }
            retry = stopsThread.schedule(stopsGuard.wrap(this::consumeStopsIfLeadingAndIdle),
                    STOP_CONSUMER_RETRY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void consumeStopsIfLeadingAndIdle() {
        if (!stops.isConsuming()) {
            consumeStopsIfLeading();
        }
    }

    @Override
    public void awaitStop() throws InterruptedException {
        context.awaitClosed();
    }

    @Override
    public void close() {
        context.close();
    }
}
