package io.mockstagram.producer;

import io.mockstagram.events.ClusterEvents;
import io.mockstagram.events.NurseUpdated;
import io.mockstagram.events.ProducerStarted;
import io.mockstagram.membership.Member;
import io.mockstagram.membership.MemberState;

import java.time.Instant;

/**
 * Connects a member to the events stream: it announces each join, and refreshes when the
 * nurse announces a change it has not seen (Redis's own notices usually got there first),
 * stopping first when the change is of another map than its own.
 */
public final class MemberEvents {

    private MemberEvents() {
    }

    public static void wire(Member member, ClusterEvents events) {
        String name = member.config().name();
        member.addListener((previous, current) -> {
            if (previous.state() == MemberState.JOINING && current.isActive()) {
                events.publishHint(new ProducerStarted(name, member.incarnation(), current.serverNumber(),
                        current.total(), current.epoch(), Instant.now()));
            }
        });
        events.subscribe(NurseUpdated.TYPE, event -> {
            String generation = event instanceof NurseUpdated updated && updated.generation() != null
                    ? updated.generation() : "";
            member.refreshIfBehind(generation, event.epoch());
        });
    }
}
