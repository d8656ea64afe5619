package io.mockstagram.pipeline.latest;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An influencer's newest reading, with what the query API shows next to it.
 *
 * @param followerRatio        followers / following; infinite (or NaN for 0/0) when following is 0, which the
 *                             mock API never reports since it floors following at 50
 * @param rank                 1 + how many influencers have strictly more followers, so equal counts share a rank
 * @param averageFollowerCount this influencer's mean follower count over every reading ever stored
 * @param readings             how many readings that mean is over
 * @param fetchedAt            when the newest reading was fetched
 * @param scheduledAt          the start of the interval the newest reading belongs to
 * @param suspicious           the newest classification, or null when never classified
 */
public record InfluencerLatest(int pk, int followerCount, int followingCount, double followerRatio, long rank,
                               double averageFollowerCount, long readings, Instant fetchedAt, Instant scheduledAt,
                               Boolean suspicious) {

    /** Empty when the pk has no reading; throws {@link ViewRebuildingException} when the view is not built. */
    static Optional<InfluencerLatest> parse(int pk, List<Object> raw) {
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        if (raw.size() == 1) {
            throw new ViewRebuildingException();
        }
        long scheduledAtMs = (Long) raw.get(0);
        int followers = Math.toIntExact((Long) raw.get(1));
        int following = Math.toIntExact((Long) raw.get(2));
        long fetchedAtMs = (Long) raw.get(3);
        long sum = (Long) raw.get(4);
        long count = (Long) raw.get(5);
        long higher = (Long) raw.get(6);
        long classified = (Long) raw.get(7);
        return Optional.of(new InfluencerLatest(pk, followers, following, (double) followers / following,
                higher + 1, (double) sum / count, count, Instant.ofEpochMilli(fetchedAtMs),
                Instant.ofEpochMilli(scheduledAtMs), classified < 0 ? null : classified == 1));
    }
}
