package io.mockstagram.nurse;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.mockstagram.events.ClusterEvents;
import io.mockstagram.events.EpochFloor;
import io.mockstagram.infra.HttpJson;
import io.mockstagram.infra.NatsLink;
import io.mockstagram.infra.OpsServer;
import io.mockstagram.infra.RoleContext;
import io.mockstagram.infra.RunningRole;
import io.mockstagram.membership.ChangeWatcher;
import io.mockstagram.membership.leader.LeaderLease;
import io.mockstagram.membership.leader.LeadershipListener;
import io.mockstagram.membership.store.RedisMembershipStore;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A nurse replica. All replicas stand by for the leader lease; the one holding it performs
 * the {@link NurseDuties}. A replica that loses the lease stops at once.
 */
public final class Nurse implements LeadershipListener, RunningRole {

    private static final Duration REDIS_COMMAND_TIMEOUT = Duration.ofSeconds(1);

    /** The body of {@code GET /status}. */
    public record Status(String nurseId, boolean leader, String relayedChange) {
    }

    private final NurseSettings settings;
    private final RoleContext context;
    private final NatsLink nats;
    private final NurseDuties duties;
    private final StopConsumer stops;
    private final LeaderLease lease;
    private OpsServer http;
    private volatile boolean leading;

    private Nurse(NurseSettings settings, RoleContext context) {
        this.settings = settings;
        this.context = context;
        var cluster = settings.cluster();
        var redis = context.connectRedis(cluster.redis(), REDIS_COMMAND_TIMEOUT, cluster.startupTimeout(), true);
        this.nats = context.connectNats(cluster.nats(), false);
        var events = new ClusterEvents(nats, cluster.namespace());
        var store = new RedisMembershipStore(redis.connection().async(), cluster.namespace().membershipKeys());
        ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "nurse-duties");
            thread.setDaemon(true);
            return thread;
        });
        context.own(loop::shutdownNow);
        EpochFloor floor = context.own(new EpochFloor(nats, cluster.namespace()));
        this.duties = new NurseDuties(loop, store, redis.connection().async(), events, floor, settings.nurseId(),
                settings.scanInterval(), context.registry());
        context.own(new ChangeWatcher(redis.connectPubSub(), cluster.namespace().membershipKeys()))
                .addListener(notice -> {
                    floor.observe(notice.epoch());
                    duties.membershipChanged();
                });
        this.stops = new StopConsumer(cluster.namespace(), duties::handleStopped);
        context.own(stops::stop);
        nats.whenConnected(connection -> {
            if (leading) {
                stops.start(connection);
            }
        });
        this.lease = new LeaderLease(redis.connection().async(), store.keys().leader(), settings.nurseId(),
                settings.leaderLease(), this);
        context.own(lease);

        Gauge.builder("mockstagram.nurse.leader", () -> lease.isLeader() ? 1 : 0).register(context.registry());
        FunctionCounter.builder("mockstagram.membership.loop.failures", lease, LeaderLease::loopFailures)
                .description("Failures caught and survived in the membership loops").tag("loop", "leader-lease")
                .register(context.registry());
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

    @Override
    public void leadershipAcquired() {
        leading = true;
        duties.begin();
        nats.connection().ifPresent(stops::start);
    }

    @Override
    public void leadershipLost() {
        leading = false;
        stops.stop();
        duties.end();
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
