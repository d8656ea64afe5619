package io.mockstagram.testing;

import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.util.concurrent.Callable;

import static org.awaitility.Awaitility.await;

/** Awaitility with the cluster's logs attached when the wait fails. */
public final class Eventually {

    private Eventually() {
    }

    public static void within(Duration limit, LocalCluster cluster, String what, Callable<Boolean> condition) {
        try {
            await(what).atMost(limit).pollInterval(Duration.ofMillis(50)).until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(what + " did not happen within " + limit + "\n" + cluster.logs(), e);
        }
    }
}
