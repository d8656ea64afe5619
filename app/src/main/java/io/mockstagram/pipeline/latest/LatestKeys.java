package io.mockstagram.pipeline.latest;

import io.mockstagram.config.Namespace;

import java.util.List;

/**
 * The Redis keys of one namespace's view: what the query API reads, a copy of PostgreSQL's
 * aggregate table that can be rebuilt from it at any time. Each read touches a bounded number
 * of entries, so no query ever scans all influencers.
 *
 * <p>The format is in the names ({@code VIEW}, version 2 in {@code built}): the format before
 * it, keyed by tick index under {@code ns:LATEST*}, is deleted by the first rebuild, and a later
 * format would take keys of its own, so versions never read each other's entries.
 *
 * @param latest     hash: pk to "readings,followerSum,scheduledAtMs,followers,following,fetchedAtMs" (see prelude.lua)
 * @param rank       sorted set: pk scored by its latest follower count
 * @param totals     hash: {@code sum} and {@code count} of the latest follower counts
 * @param coverage   hash: interval start (epoch ms) to how many pks got a new reading for it, recent intervals only
 * @param suspicious hash: pk to "flag,atMs", flag 1 when suspicious
 * @param built      string: the format version, set when a rebuild completes; absent means the view is incomplete
 * @param building   string with a TTL: the token of the rebuild under way, the lock that keeps it to one updater
 */
public record LatestKeys(String latest, String rank, String totals, String coverage, String suspicious, String built,
                         String building, List<String> legacy) {

    public static LatestKeys of(Namespace namespace) {
        return new LatestKeys(
                namespace.redisKey("VIEW:LATEST"),
                namespace.redisKey("VIEW:RANK"),
                namespace.redisKey("VIEW:TOTALS"),
                namespace.redisKey("VIEW:COVERAGE"),
                namespace.redisKey("VIEW:SUSPICIOUS"),
                namespace.redisKey("VIEW:BUILT"),
                namespace.redisKey("VIEW:BUILDING"),
                List.of(namespace.redisKey("LATEST"), namespace.redisKey("LATEST:RANK"),
                        namespace.redisKey("LATEST:TOTALS"), namespace.redisKey("LATEST:COVERAGE"),
                        namespace.redisKey("LATEST:SUSPICIOUS")));
    }

    /** Every key of the view, in the order prelude.lua binds them. */
    public List<String> all() {
        return List.of(latest, rank, totals, coverage, suspicious, built, building);
    }
}
