package io.mockstagram.pipeline.latest;

import io.mockstagram.config.Namespace;

import java.util.List;

/**
 * The Redis keys behind the latest readings of one namespace. Each read touches a bounded
 * number of entries in them, so no query ever scans all influencers.
 *
 * @param latest     hash: pk to "lastTick,mask,followers,following,fetchedAtMs,sum,count" (see prelude.lua)
 * @param rank       sorted set: pk scored by its latest follower count
 * @param totals     hash: {@code sum} and {@code count} of the latest follower counts
 * @param coverage   hash: tick to how many distinct pks got a reading for it, the most recent ticks only
 * @param suspicious hash: pk to "flag,atMs", flag 1 when suspicious
 */
public record LatestKeys(String latest, String rank, String totals, String coverage, String suspicious) {

    public static LatestKeys of(Namespace namespace) {
        return new LatestKeys(
                namespace.redisKey("LATEST"),
                namespace.redisKey("LATEST:RANK"),
                namespace.redisKey("LATEST:TOTALS"),
                namespace.redisKey("LATEST:COVERAGE"),
                namespace.redisKey("LATEST:SUSPICIOUS"));
    }

    /** Every key, in the order prelude.lua binds them. */
    public List<String> all() {
        return List.of(latest, rank, totals, coverage, suspicious);
    }
}
