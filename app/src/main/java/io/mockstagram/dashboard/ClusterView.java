package io.mockstagram.dashboard;

import io.lettuce.core.api.async.RedisAsyncCommands;
import io.mockstagram.config.Namespace;
import io.mockstagram.membership.partition.ModuloPartitioner;
import io.mockstagram.membership.partition.Partitioner;
import io.mockstagram.membership.store.MembershipSnapshot;
import io.mockstagram.membership.store.RedisMembershipStore;
import io.mockstagram.pipeline.PkRange;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/** Reads the membership for the cluster view: one snapshot script and one GET, whatever the cluster's size. */
final class ClusterView {

    private final RedisMembershipStore store;
    private final RedisAsyncCommands<String, String> redis;
    private final Namespace namespace;
    private final Duration lease;
    private final Partitioner partitioner;
    private final PkRange range;
    private final Duration interval;
    private final boolean control;

    ClusterView(RedisAsyncCommands<String, String> redis, Namespace namespace, Duration lease, Partitioner partitioner,
                PkRange range, Duration interval, boolean control) {
        this.store = new RedisMembershipStore(redis, namespace.membershipKeys());
        this.redis = redis;
        this.namespace = namespace;
        this.lease = lease;
        this.partitioner = partitioner;
        this.range = range;
        this.interval = interval;
        this.control = control;
    }

    CompletionStage<ClusterState> read() {
        return store.snapshot().thenCombine(redis.get(namespace.membershipKeys().leader()), this::state);
    }

    private ClusterState state(MembershipSnapshot snapshot, String nurse) {
        int total = snapshot.total();
        var producers = snapshot.members().stream().map(member -> {
            long remaining = Math.max(0, member.leaseDeadlineMs() - snapshot.redisTimeMs());
            long share = share(member.number(), total);
            return new ClusterState.Producer(member.name(), member.number(), Math.max(0, lease.toMillis() - remaining),
                    remaining, share, (double) share / range.count());
        }).toList();
        return new ClusterState(namespace.name(), snapshot.epoch(), total, producers, nurse, lease.toMillis(),
                range.first(), range.count(), interval.toMillis(), control);
    }

    /** Exact for the modulo rule; for others (jump spreads evenly) the even share. */
    private long share(int number, int total) {
        if (!(partitioner instanceof ModuloPartitioner)) {
            return Math.round((double) range.count() / total);
        }
        long first = range.first();
        long offset = Math.floorMod(number - 1 - first, (long) total);
        long start = first + offset;
        return start > range.last() ? 0 : (range.last() - start) / total + 1;
    }
}
