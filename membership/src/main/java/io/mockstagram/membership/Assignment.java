package io.mockstagram.membership;

import java.util.Objects;

/**
 * What a member knows of its place: its number among 1..total, as of an epoch.
 * The number means something only while the state is {@link MemberState#ACTIVE}.
 */
public record Assignment(String serverName, MemberState state, int serverNumber, int total, long epoch) {

    public Assignment {
        Objects.requireNonNull(serverName, "serverName");
        Objects.requireNonNull(state, "state");
        if (state.mayAct() && (serverNumber < 1 || serverNumber > total)) {
            throw new IllegalArgumentException(
                    "an active member's number must lie in 1.." + total + ", was " + serverNumber);
        }
    }

    static Assignment joining(String serverName) {
        return new Assignment(serverName, MemberState.JOINING, 0, 0, 0);
    }

    public boolean isActive() {
        return state.mayAct();
    }

    /** The number to show: null unless the member may act on it. */
    public Integer serverNumberIfActive() {
        return isActive() ? serverNumber : null;
    }

    Assignment withState(MemberState newState) {
        return new Assignment(serverName, newState, serverNumber, total, epoch);
    }
}
