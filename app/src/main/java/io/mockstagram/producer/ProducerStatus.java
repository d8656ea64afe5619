package io.mockstagram.producer;

import io.mockstagram.membership.Assignment;
import io.mockstagram.membership.Member;

import java.time.Instant;

/**
 * The body of {@code GET /status}; {@code serverNumber} is null unless the state is ACTIVE.
 * {@code assignedAt} is when this producer last took a new number, total, epoch or state.
 */
public record ProducerStatus(String serverName, Integer serverNumber, int total, long epoch, String state,
                             Instant assignedAt) {

    static ProducerStatus of(Member member) {
        Instant since = member.assignedAt();
        Assignment assignment = member.assignment();
        return new ProducerStatus(assignment.serverName(), assignment.serverNumberIfActive(), assignment.total(),
                assignment.epoch(), assignment.state().name(), since);
    }
}
