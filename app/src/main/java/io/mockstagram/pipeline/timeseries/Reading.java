package io.mockstagram.pipeline.timeseries;

import java.time.Instant;

/**
 * One stored reading.
 *
 * @param scheduledAt the start of the tick the reading belongs to; with the pk it identifies the reading
 * @param fetchedAt   when the mock API answered
 */
public record Reading(int pk, Instant scheduledAt, Instant fetchedAt, int followerCount, int followingCount) {
}
