package io.mockstagram.nurse;

import io.lettuce.core.SetArgs;
import io.mockstagram.config.ClusterSettings;
import io.mockstagram.events.ProducerStopped;
import io.mockstagram.infra.Json;
import io.mockstagram.local.NatsServer;
import io.mockstagram.testing.SharedServers;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A nurse whose NATS server freezes (SIGSTOP) just as it takes the lead: its leadership and
 * its evictions need Redis alone, so it leads, keeps leading and evicts while NATS is
 * frozen, and consumes stop announcements once NATS is back.
 */
@Tag("chaos")
class NurseFrozenNatsTest {

    private static final String REDIS_URL = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");

    @RegisterExtension
    final SharedServers servers = new SharedServers();

    private final NatsServer nats;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    NurseFrozenNatsTest() throws IOException {
        nats = NatsServer.startOnFreePort(Files.createTempDirectory("mockstagram-nurse-nats-"));
    }

    @AfterEach
    void stopNats() {
        nats.resume();
        nats.close();
    }

    @Test
    void aNurseTakesTheLeadKeepsItAndEvictsWhileNatsIsFrozen() throws Exception {
        var keys = servers.namespace().membershipKeys();
        var redis = servers.redis().sync();
        var store = servers.store();
        // Another nurse leads while this one starts and connects to NATS.
        redis.set(keys.leader(), "another-nurse", SetArgs.Builder.px(60_000));
        store.join("leaver", "l-1", Duration.ofMinutes(5), 0, "g").toCompletableFuture().join();
        var cluster = ClusterSettings.resolve(REDIS_URL, nats.url(), servers.namespace().name(), "5s", Map.of());

        try (Nurse nurse = Nurse.start(new NurseSettings(cluster, 0, "frozen-nats", Duration.ofSeconds(3),
                Duration.ofMillis(200)))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> metrics(nurse).contains("mockstagram_nats_connected{")
                    && metrics(nurse).matches("(?s).*mockstagram_nats_connected\\{[^}]*} 1\\.0.*"));

            nats.pause();
            store.join("crashed", "c-1", Duration.ofMillis(500), 0, "g").toCompletableFuture().join();
            redis.pexpire(keys.leader(), 300);

            await("leads").atMost(Duration.ofSeconds(10)).until(() -> nurse.status().leader());
            await("evicts the crashed producer").atMost(Duration.ofSeconds(10)).until(() ->
                    !store.snapshot().toCompletableFuture().join().numbersByName().containsKey("crashed"));
            await("keeps leading").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> nurse.status().leader());

            nats.resume();
            try (Connection client = Nats.connect(nats.url())) {
                var jsm = client.jetStreamManagement();
                String stream = servers.namespace().eventsStream();
                await("consumes stops again").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                        .until(() -> jsm.getConsumerInfo(stream, StopConsumer.DURABLE) != null);
                client.jetStream().publish(servers.namespace().eventSubject(ProducerStopped.TYPE),
                        Json.writeBytes(new ProducerStopped("leaver", "l-1", 0, Instant.now(), null)));
                await("removes the producer that announced its stop").atMost(Duration.ofSeconds(10)).until(() ->
                        !store.snapshot().toCompletableFuture().join().numbersByName().containsKey("leaver"));
            }
            assertThat(nurse.status().leader()).isTrue();
            assertThat(metrics(nurse)).as("one leadership term, never lost")
                    .containsPattern("mockstagram_nurse_terms_total\\{[^}]*} 1\\.0");
        }
    }

    private String metrics(Nurse nurse) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nurse.httpPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
