package io.mockstagram.up;

import io.mockstagram.config.ClusterSettings;
import io.mockstagram.config.DatabaseSettings;
import io.mockstagram.config.LeaseProfile;
import io.mockstagram.dashboard.ClusterControl;
import io.mockstagram.dashboard.Dashboard;
import io.mockstagram.dashboard.DashboardSettings;
import io.mockstagram.local.FreePorts;
import io.mockstagram.local.LocalServices;
import io.mockstagram.local.RoleProcess;
import io.mockstagram.membership.partition.ModuloPartitioner;
import io.mockstagram.membership.store.MembershipSnapshot;
import io.mockstagram.membership.store.RedisMembershipStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Everything {@code up} runs: the servers it had to start, each role as its own process, and
 * the dashboard in this process, where it can add, stop and kill producers.
 */
final class LocalCluster implements ClusterControl, AutoCloseable {


    private final UpSettings settings;
    private final LocalServices services;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final Map<String, RoleProcess> producers = new LinkedHashMap<>();
    private final List<RoleProcess> fetchers = new ArrayList<>();
    private final List<RoleProcess> updaters = new ArrayList<>();
    /** The API and the nurse: what producers, fetchers and updaters lean on, stopped after them. */
    private final List<RoleProcess> supporting = new ArrayList<>();
    private final PrintStream out;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private RedisClient redisClient;
    private StatefulRedisConnection<String, String> redis;
    private Dashboard dashboard;
    private int nextProducer = 1;

    private LocalCluster(UpSettings settings, LocalServices services, PrintStream out) {
        this.settings = settings;
        this.services = services;
        this.out = out;
    }

    static LocalCluster start(UpSettings settings, PrintStream out) {
        if (FreePorts.isListening(settings.dashboardPort())) {
            throw new IllegalArgumentException("--dashboard-port " + settings.dashboardPort()
                    + " is taken; pick another (or 0 for a free one)");
        }
        LocalServices services = LocalServices.provide(settings.cluster(), settings.database(),
                settings.workDir().resolve("servers"), settings.ownServers());
        var cluster = new LocalCluster(settings, services, out);
        try {
            cluster.launchAll();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void launchAll() {
        var schedule = settings.schedule();
        env.putAll(services.env());
        env.put("MOCKSTAGRAM_NAMESPACE", settings.cluster().namespace().name());
        env.put("MOCKSTAGRAM_INFLUENCERS", Integer.toString(schedule.range().count()));
        env.put("MOCKSTAGRAM_INTERVAL", schedule.interval().toMillis() + "ms");
        env.put(LeaseProfile.VARIABLE, settings.profile().name());
        int apiPort = FreePorts.next();
        env.put("MOCKSTAGRAM_API_URL", "http://127.0.0.1:" + apiPort);
        out.printf("Redis %s, NATS %s, PostgreSQL %s, namespace %s%n", env.get("REDIS_URL"), env.get("NATS_URL"),
                env.get("DATABASE_URL"), env.get("MOCKSTAGRAM_NAMESPACE"));
        out.printf("%,d influencers polled every %ds; logs in %s%n", schedule.range().count(),
                schedule.interval().toSeconds(), settings.workDir().resolve("logs"));

        supporting.add(launch("api", "api", RoleProcess.API_JVM, "--http-port", Integer.toString(apiPort)));
        supporting.add(launch("nurse", "nurse", RoleProcess.LIGHT_JVM, "--http-port", "0"));
        for (int i = 1; i <= settings.updaters(); i++) {
            updaters.add(launch("updater-" + i, "updater", RoleProcess.PIPELINE_JVM, "--http-port", "0"));
        }
        for (int i = 1; i <= settings.fetchers(); i++) {
            fetchers.add(launch("fetcher-" + i, "fetcher", RoleProcess.PIPELINE_JVM, "--http-port", "0"));
        }
        for (int i = 0; i < settings.producers(); i++) {
            addProducer();
        }

        ClusterSettings cluster = ClusterSettings.resolve(env.get("REDIS_URL"), env.get("NATS_URL"),
                env.get("MOCKSTAGRAM_NAMESPACE"), settings.cluster().startupTimeout().toSeconds() + "s", Map.of());
        redisClient = RedisClient.create(env.get("REDIS_URL"));
        redis = redisClient.connect();
        dashboard = Dashboard.start(new DashboardSettings(cluster,
                DatabaseSettings.resolve(null, Map.of("DATABASE_URL", env.get("DATABASE_URL"))), "127.0.0.1",
                settings.dashboardPort(), schedule, settings.profile().lease(), new ModuloPartitioner()), Optional.of(this));
        out.printf("%nDashboard: http://127.0.0.1:%d/%n", dashboard.httpPort());
        out.println("Ctrl-C stops everything. Try killing a producer from the dashboard, or with kill -9 <pid>.");
    }

    private RoleProcess launch(String name, String role, List<String> jvm, String... args) {
        return RoleProcess.start(role, jvm, List.of(args), env, settings.workDir().resolve("logs/" + name + ".log"),
                RoleProcess.Priority.of(role));
    }

    @Override
    public synchronized String addProducer() {
        String name = "producer-" + nextProducer++;
        RoleProcess process = launch(name, "producer", RoleProcess.LIGHT_JVM,
                "--name", name, "--http-port", "0");
        producers.put(name, process);
        out.printf("  started %-12s pid %d%n", name, process.pid());
        return name;
    }

    @Override
    public synchronized void stopProducer(String name) {
        producer(name).terminate();
        out.printf("  stopped %s (SIGTERM)%n", name);
    }

    @Override
    public synchronized void killProducer(String name) {
        producer(name).kill();
        out.printf("  killed %s (kill -9)%n", name);
    }

    @Override
    public synchronized List<String> producers() {
        return List.copyOf(producers.keySet());
    }

    private RoleProcess producer(String name) {
        RoleProcess process = producers.get(name);
        if (process == null || !process.isAlive()) {
            throw new IllegalArgumentException("no running producer named " + name);
        }
        return process;
    }

    /** Prints the map each time the epoch moves, until closed. */
    void watch() throws InterruptedException {
        var store = new RedisMembershipStore(redis.async(), settings.cluster().namespace().membershipKeys());
        long shown = -1;
        while (!stopped.await(250, TimeUnit.MILLISECONDS)) {
            MembershipSnapshot snapshot;
            try {
                snapshot = store.snapshot().toCompletableFuture().get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                continue;
            }
            if (snapshot.epoch() != shown) {
                shown = snapshot.epoch();
                out.printf("epoch %d  total %d  %s%n", snapshot.epoch(), snapshot.storedTotal(),
                        snapshot.members().stream().map(m -> m.name() + "=" + m.number()).collect(Collectors.joining(" ")));
            }
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (dashboard != null) {
            dashboard.close();
        }
        List<RoleProcess> running;
        synchronized (this) {
            running = List.copyOf(producers.values());
        }
        // Upstream first, so that nothing is cut off mid-way: producers stop scheduling, fetchers
        // finish their tasks while the API still answers, updaters store what was fetched.
        for (List<RoleProcess> stage : List.of(running, fetchers, updaters, supporting)) {
            stage.forEach(RoleProcess::terminate);
            stage.forEach(p -> p.awaitExit(15));
        }
        if (redis != null) {
            redis.close();
            redisClient.shutdown();
        }
        services.close();
        stopped.countDown();
    }
}
