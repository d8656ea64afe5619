package io.mockstagram.chaos;

import io.mockstagram.events.ClusterEvent;
import io.mockstagram.events.NurseUpdated;
import io.mockstagram.events.ProducerStopped;
import io.mockstagram.infra.Json;
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
class GracefulStopTest {

    private final LocalCluster cluster = new LocalCluster();

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void onSigtermAProducerAnnouncesItsStopAndLeavesWithoutWaitingForItsLease() throws Exception {
        try (Invariants invariants = Invariants.watch(cluster)) {
            cluster.startNurse("nurse-1");
            cluster.startProducers("p1", "p2", "p3");
            within(LocalCluster.START, cluster, "three producers agree", cluster::agreesWithRedis);

            var before = cluster.snapshot();
            int freed = before.numbersByName().get("p1");
            String highest = before.members().get(2).name();
            LocalCluster.Role leaving = cluster.remove("p1");
            assertThat(leaving.process().stop(10)).as("128 + SIGTERM: it shut down by itself, nothing had to kill it")
                    .isEqualTo(143);

            // Well inside one lease: nothing waited for p1's lease to run out.
            within(LocalCluster.LEASE.dividedBy(2), cluster, "the survivors agree", cluster::agreesWithRedis);
            assertThat(cluster.snapshot().numbersByName()).containsOnlyKeys("p2", "p3");

            try (Connection nats = Nats.connect(cluster.natsServer().url())) {
                var jsm = nats.jetStreamManagement();
                String stream = cluster.namespace().eventsStream();
                ClusterEvent stopped = Json.read(jsm.getLastMessage(stream,
                        cluster.namespace().eventSubject(ProducerStopped.TYPE)).getData(), ClusterEvent.class);
                assertThat(stopped).isInstanceOfSatisfying(ProducerStopped.class,
                        s -> assertThat(s.serverName()).isEqualTo("p1"));
                // The nurse may still be relaying the joins from start-up: wait for the change it
                // announces after them, p1 leaving.
                within(Duration.ofSeconds(5), cluster, "the nurse announces that p1 left", () -> {
                    NurseUpdated last = (NurseUpdated) Json.read(jsm.getLastMessage(stream,
                            cluster.namespace().eventSubject(NurseUpdated.TYPE)).getData(), ClusterEvent.class);
                    return "p1".equals(last.serverName()) && !"JOINED".equals(last.change());
                });
                NurseUpdated updated = (NurseUpdated) Json.read(jsm.getLastMessage(stream,
                        cluster.namespace().eventSubject(NurseUpdated.TYPE)).getData(), ClusterEvent.class);
                assertThat(updated.change()).isEqualTo("LEFT");
                assertThat(updated.serverName()).isEqualTo("p1");
                assertThat(updated.total()).isEqualTo(2);
                assertThat(updated.epoch()).isEqualTo(cluster.snapshot().epoch());
                assertThat(updated.moved()).isEqualTo(freed == 3 ? null : new NurseUpdated.Moved(highest, 3, freed));
            }
            invariants.assertHeld();
        }
    }
}
