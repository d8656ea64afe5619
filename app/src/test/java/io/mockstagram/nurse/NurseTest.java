package io.mockstagram.nurse;

import io.mockstagram.events.ClusterEvent;
import io.mockstagram.events.NurseUpdated;
import io.mockstagram.infra.Json;
import io.mockstagram.testing.SharedServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class NurseTest {

    @RegisterExtension
    final SharedServers servers = new SharedServers();

    @Test
    void itEvictsAMemberWhoseLeaseRanOutAndAnnouncesWhoMovedWhere() throws Exception {
        var store = servers.store();
        store.join("crashed", "c-1", Duration.ofMillis(400), 0, "g").toCompletableFuture().join();
        store.join("alive", "a-1", Duration.ofMinutes(5), 0, "g").toCompletableFuture().join();

        try (Nurse nurse = Nurse.start(new NurseSettings(servers.clusterSettings(), 0, "nurse-test",
                Duration.ofSeconds(3), Duration.ofMillis(500)))) {
            await().atMost(Duration.ofSeconds(3)).until(() -> nurse.status().leader());
            await().atMost(Duration.ofSeconds(3)).until(() ->
                    !store.snapshot().toCompletableFuture().join().numbersByName().containsKey("crashed"));

            var jsm = servers.nats().jetStreamManagement();
            String subject = servers.namespace().eventSubject(NurseUpdated.TYPE);
            await().atMost(Duration.ofSeconds(3)).ignoreExceptions().untilAsserted(() -> {
                ClusterEvent event = Json.read(jsm.getLastMessage(servers.namespace().eventsStream(), subject).getData(),
                        ClusterEvent.class);
                assertThat(event).isInstanceOfSatisfying(NurseUpdated.class, updated -> {
                    assertThat(updated.change()).isEqualTo("EVICTED");
                    assertThat(updated.serverName()).isEqualTo("crashed");
                    assertThat(updated.total()).isEqualTo(1);
                    assertThat(updated.epoch()).isEqualTo(3);
                    assertThat(updated.moved()).isEqualTo(new NurseUpdated.Moved("alive", 2, 1));
                });
            });
        }
        assertThat(servers.redis().sync().get(servers.namespace().membershipKeys().leader()))
                .as("a closing nurse hands its lease back").isNull();
    }
}
