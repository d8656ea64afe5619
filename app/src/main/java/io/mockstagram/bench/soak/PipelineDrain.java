package io.mockstagram.bench.soak;

import io.mockstagram.config.Namespace;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;

import java.time.Duration;
import java.util.List;

/** Waits, with producers stopped, until the task and reading queues are empty: everything scheduled was stored. */
final class PipelineDrain {

    private PipelineDrain() {
    }

    /** True once both queues were seen empty twice in a row a second apart; false if not within {@code limit}. */
    static boolean await(String natsUrl, Namespace namespace, Duration limit) throws InterruptedException {
        long deadline = System.currentTimeMillis() + limit.toMillis();
        int emptyInARow = 0;
        while (System.currentTimeMillis() < deadline) {
            emptyInARow = queued(natsUrl, namespace) == 0 ? emptyInARow + 1 : 0;
            if (emptyInARow >= 2) {
                return true;
            }
            Thread.sleep(1000);
        }
        return false;
    }

    private static long queued(String natsUrl, Namespace namespace) {
        try (var nats = Nats.connect(natsUrl)) {
            JetStreamManagement jsm = nats.jetStreamManagement();
            long queued = 0;
            for (String stream : List.of(namespace.tasksStream(), namespace.readingsStream())) {
                try {
                    queued += jsm.getStreamInfo(stream).getStreamState().getMsgCount();
                } catch (JetStreamApiException e) {
                    // not created yet: nothing queued on it
                }
            }
            return queued;
        } catch (Exception e) {
            return -1;
        }
    }
}
