package io.mockstagram.chaos;

import io.mockstagram.config.ClusterSettings;
import io.mockstagram.local.RedisServer;
import io.mockstagram.membership.MemberState;
import io.mockstagram.membership.partition.ModuloPartitioner;
import io.mockstagram.pipeline.PkRange;
import io.mockstagram.pipeline.scheduling.Schedule;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.mockstagram.producer.Producer;
import io.mockstagram.producer.ProducerSettings;
import io.mockstagram.testing.Invariants;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Tag("chaos")
class RedisOutageTest {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private int ready(Producer producer) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + producer.httpPort() + "/health/ready"))
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static void deleteStreams(String natsUrl, String namespace) throws Exception {
        try (Connection nats = Nats.connect(natsUrl)) {
            var jsm = nats.jetStreamManagement();
            for (String stream : jsm.getStreamNames()) {
                if (stream.startsWith(namespace + "_") || stream.startsWith("KV_" + namespace + "_")) {
                    jsm.deleteStream(stream);
                }
            }
        }
    }

    @Test
    void withoutRedisAProducerIsNotReadyShowsNoNumberAndRecoversWhenRedisReturns(@TempDir Path dir) throws Exception {
        try (RedisServer redis = RedisServer.startOnFreePort(dir)) {
            String natsUrl = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
            var cluster = ClusterSettings.resolve(redis.url(), natsUrl, "outage-" + UUID.randomUUID().toString().substring(0, 8),
                    "5s", Map.of());
            Producer producer = Producer.start(new ProducerSettings(cluster, 0, "alpha", Duration.ofMillis(3000),
                    Duration.ofMillis(1000), new ModuloPartitioner(), new Schedule(PkRange.of(1000), Duration.ofMinutes(1), 100)));
            var invariants = new Invariants(() -> List.of(new Invariants.Target("alpha", producer.httpPort())), redis.url(),
                    cluster.namespace().membershipKeys(), () -> "");
            try (invariants) {
                // The first join makes a new map, which a producer acts on once it is one lease old.
                await().atMost(Duration.ofSeconds(10)).until(() -> ready(producer) == 200);

                redis.kill();

                await().atMost(Duration.ofSeconds(3)).until(() -> ready(producer) == 503);
                // It may act until half its lease has passed since its last renewal, then it must stop.
                await().atMost(Duration.ofMillis(1500 + 500)).until(() -> producer.assignment().state() == MemberState.FENCED);
                assertThat(producer.assignment().serverNumberIfActive()).isNull();

                redis.start();

                await().atMost(Duration.ofSeconds(10)).until(() -> ready(producer) == 200);
                assertThat(producer.assignment().serverNumberIfActive()).isEqualTo(1);
                invariants.assertHeld();
            } finally {
                producer.stopGracefully();
                deleteStreams(natsUrl, cluster.namespace().name());
            }
        }
    }
}
