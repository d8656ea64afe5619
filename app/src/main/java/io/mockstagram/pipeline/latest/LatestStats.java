package io.mockstagram.pipeline.latest;

/**
 * Figures across all influencers, kept up to date by every batch rather than computed per query.
 *
 * @param influencersTracked   how many influencers have a reading
 * @param averageFollowerCount the mean of every influencer's latest follower count; 0 when none is tracked
 */
public record LatestStats(long influencersTracked, double averageFollowerCount) {

    static LatestStats of(long sum, long count) {
        return new LatestStats(count, count == 0 ? 0 : (double) sum / count);
    }
}
