package io.mockstagram.producer;

import java.util.Map;
import io.mockstagram.membership.Assignment;
import io.mockstagram.membership.MembershipListener;
import io.mockstagram.membership.store.RedisMembershipStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs the whole map and total after every change this member sees, as the original producers did. */
final class MembershipLog implements MembershipListener {

    private static final Logger log = LoggerFactory.getLogger(MembershipLog.class);

    private final RedisMembershipStore store;

    MembershipLog(RedisMembershipStore store) {
        this.store = store;
    }

    @Override
    public void assignmentChanged(Assignment previous, Assignment current) {
        if (!current.isActive() || (previous.isActive() && previous.epoch() == current.epoch()
                && previous.serverNumber() == current.serverNumber())) {
            return;
        }
        store.snapshot().whenComplete((snapshot, failure) -> {
            if (failure != null) {
                return;
            }
            log.atInfo().setMessage("membership")
                    .addKeyValue("self", current.serverName())
                    .addKeyValue("number", current.serverNumber())
                    .addKeyValue("total", snapshot.storedTotal())
                    .addKeyValue("epoch", snapshot.epoch())
                    .addKeyValue("map", snapshot.numbersByName().entrySet().stream()
                            .sorted(Map.Entry.comparingByValue())
                            .map(e -> e.getKey() + "=" + e.getValue()).toList())
                    .log();
        });
    }
}
