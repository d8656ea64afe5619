package io.mockstagram.membership.leader;

/** Told when this candidate becomes the one that acts, and when it must stop. Called on the lease's thread. */
public interface LeadershipListener {

    void leadershipAcquired();

    void leadershipLost();
}
