package io.mockstagram.chaos;

import io.mockstagram.events.NurseUpdated;
import io.mockstagram.testing.Invariants;
import io.mockstagram.testing.LocalCluster;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.mockstagram.testing.Eventually.within;
import static org.assertj.core.api.Assertions.assertThat;

@Tag("chaos")
class NatsRestartTest {

    private final LocalCluster cluster = new LocalCluster();

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void theProducersConvergeWhileNatsIsDownAndAnnouncementsResumeWhenItReturns() throws Exception {
        try (Invariants invariants = Invariants.watch(cluster)) {
            cluster.startNurse("nurse-1");
            cluster.startProducers("p1", "p2", "p3", "p4");
            within(LocalCluster.START, cluster, "four producers agree", cluster::agreesWithRedis);

            cluster.natsServer().kill();
            cluster.remove("p1").process().kill();
            within(LocalCluster.LEASE.multipliedBy(3), cluster, "the survivors converge without NATS", cluster::agreesWithRedis);

            cluster.natsServer().start();
            cluster.remove("p2").process().stop(10);
            within(Duration.ofSeconds(10), cluster, "the survivors converge after NATS returns", cluster::agreesWithRedis);

            try (Connection nats = Nats.connect(cluster.natsServer().url())) {
                String stream = cluster.namespace().eventsStream();
                within(Duration.ofSeconds(10), cluster, "the nurse announces on the restarted server", () -> {
                    var last = nats.jetStreamManagement().getLastMessage(stream, cluster.namespace().eventSubject(NurseUpdated.TYPE));
                    return new String(last.getData()).contains("\"serverName\":\"p2\"");
                });
            }
            assertThat(cluster.snapshot().total()).isEqualTo(2);
            invariants.assertHeld();
        }
    }
}
