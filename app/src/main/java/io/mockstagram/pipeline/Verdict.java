package io.mockstagram.pipeline;

/**
 * A classification of one influencer by the API's {@code is_suspicious}.
 *
 * @param atMs when the answer came; of two verdicts on one pk the later one stands
 */
public record Verdict(int pk, boolean suspicious, long atMs) {
}
