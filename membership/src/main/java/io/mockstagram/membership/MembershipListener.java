package io.mockstagram.membership;

/**
 * Told of every change to a member's assignment: its state, number, total or epoch.
 * Called on the member's own thread, in order; keep it short and never block.
 */
@FunctionalInterface
public interface MembershipListener {
    void assignmentChanged(Assignment previous, Assignment current);
}
