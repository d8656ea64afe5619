package io.mockstagram.up;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.mockstagram.config.ClusterSettings;
import io.mockstagram.local.FreePorts;
import io.mockstagram.local.LocalServices;
import io.mockstagram.local.RoleProcess;
import io.mockstagram.membership.store.MembershipSnapshot;
import io.mockstagram.membership.store.RedisMembershipStore;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/** The processes {@code up} runs, and a running account of the membership. */
final class LocalCluster implements AutoCloseable {

    private final LocalServices services;
    private final List<RoleProcess> processes = new ArrayList<>();
    private final PrintStream out;
    private final RedisClient redisClient;
    private final StatefulRedisConnection<String, String> redis;
    private final RedisMembershipStore store;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private LocalCluster(LocalServices services, ClusterSettings settings, PrintStream out) {
        this.services = services;
        this.out = out;
        this.redisClient = RedisClient.create(services.env().get("REDIS_URL"));
        this.redis = redisClient.connect();
        this.store = new RedisMembershipStore(redis.async(), settings.namespace().membershipKeys());
    }

    static LocalCluster start(ClusterSettings settings, int producers, Path work, PrintStream out) {
        LocalServices services = LocalServices.provide(settings, null, work);
        var cluster = new LocalCluster(services, settings, out);
        out.printf("Redis %s, NATS %s, namespace %s; logs in %s%n", services.env().get("REDIS_URL"),
                services.env().get("NATS_URL"), settings.namespace().name(), work.resolve("logs"));
        int nursePort = FreePorts.next();
        cluster.launch("nurse", List.of("--name", "nurse", "--http-port", Integer.toString(nursePort)), work, "nurse");
        out.printf("  nurse       http://127.0.0.1:%d/status%n", nursePort);
        for (int i = 1; i <= producers; i++) {
            int port = FreePorts.next();
            String name = "producer-" + i;
            RoleProcess process = cluster.launch("producer", List.of("--name", name, "--http-port", Integer.toString(port)),
                    work, name);
            out.printf("  %-11s http://127.0.0.1:%d/status   (pid %d)%n", name, port, process.pid());
        }
        out.println("Ctrl-C stops everything. Try: kill -9 <pid>, and watch the renumbering below.");
        return cluster;
    }

    private RoleProcess launch(String role, List<String> args, Path work, String name) {
        RoleProcess process = RoleProcess.start(role, RoleProcess.LIGHT_JVM, args, services.env(),
                work.resolve("logs/" + name + ".log"));
        processes.add(process);
        return process;
    }

    /** Prints the map each time the epoch moves, until closed. */
    void watch() throws InterruptedException {
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
        processes.forEach(RoleProcess::terminate);
        processes.forEach(p -> p.awaitExit(10));
        redis.close();
        redisClient.shutdown();
        services.close();
        stopped.countDown();
    }
}
