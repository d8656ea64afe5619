package io.mockstagram.producer;

import com.fasterxml.jackson.databind.JsonNode;
import io.mockstagram.events.ClusterEvent;
import io.mockstagram.events.ProducerStarted;
import io.mockstagram.events.ProducerStopped;
import io.mockstagram.infra.Json;
import io.mockstagram.membership.partition.ModuloPartitioner;
import io.mockstagram.pipeline.PkRange;
import io.mockstagram.pipeline.scheduling.Schedule;
import io.mockstagram.testing.SharedServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ProducerTest {

    @RegisterExtension
    final SharedServers servers = new SharedServers();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<Producer> producers = new ArrayList<>();

    @AfterEach
    void stopAll() {
        producers.forEach(Producer::stopGracefully);
    }

    private Producer start(String name) {
        return start(name, new Schedule(PkRange.of(1000), Duration.ofMinutes(1), 100));
    }

    private Producer start(String name, Schedule schedule) {
        var settings = new ProducerSettings(servers.clusterSettings(), 0, name, Duration.ofMillis(3000),
                Duration.ofMillis(1000), new ModuloPartitioner(), schedule);
        Producer producer = Producer.start(settings);
        producers.add(producer);
        return producer;
    }

    private HttpResponse<String> get(Producer producer, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + producer.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void statusFollowsTheContract() throws Exception {
        Producer producer = start("alpha");
        await().atMost(Duration.ofSeconds(5)).until(() -> producer.assignment().isActive());

        HttpResponse<String> response = get(producer, "/status");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        JsonNode status = Json.mapper().readTree(response.body());
        assertThat(status.get("serverName").asText()).isEqualTo("alpha");
        assertThat(status.get("serverNumber").asInt()).isEqualTo(1);
        assertThat(status.get("total").asInt()).isEqualTo(1);
        assertThat(status.get("epoch").asLong()).isEqualTo(1);
        assertThat(status.get("state").asText()).isEqualTo("ACTIVE");
    }

    @Test
    void itIsReadyOnlyOnceActiveAndExposesPrometheusMetrics() throws Exception {
        Producer producer = start("alpha");
        assertThat(get(producer, "/health/live").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> get(producer, "/health/ready").statusCode() == 200);

        String metrics = get(producer, "/metrics").body();

        assertThat(metrics).contains("mockstagram_membership_members{")
                .contains("mockstagram_membership_state{")
                .contains("lettuce_command_completion_seconds_count{")
                .contains("jvm_memory_used_bytes{");
        assertThat(get(producer, "/nowhere").statusCode()).isEqualTo(404);
    }

    @Test
    void itAnnouncesItsStartAndItsStopAndLeavesAtOnce() throws Exception {
        Producer first = start("alpha");
        Producer second = start("beta");
        await().atMost(Duration.ofSeconds(5)).until(() -> second.assignment().isActive() && first.assignment().total() == 2);
        var jsm = servers.nats().jetStreamManagement();
        String stream = servers.namespace().eventsStream();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(jsm.getStreamInfo(stream)
                .getStreamState().getMsgCount()).isGreaterThanOrEqualTo(2));
        ClusterEvent started = Json.read(jsm.getLastMessage(stream,
                servers.namespace().eventSubject(ProducerStarted.TYPE)).getData(), ClusterEvent.class);
        assertThat(started).isInstanceOf(ProducerStarted.class);

        first.stopGracefully();

        assertThat(servers.store().snapshot().toCompletableFuture().join().numbersByName()).containsOnlyKeys("beta");
        await().atMost(Duration.ofSeconds(2)).until(() -> second.assignment().serverNumber() == 1
                && second.assignment().total() == 1);
        ClusterEvent stopped = Json.read(jsm.getLastMessage(stream,
                servers.namespace().eventSubject(ProducerStopped.TYPE)).getData(), ClusterEvent.class);
        assertThat(stopped).isInstanceOfSatisfying(ProducerStopped.class,
                s -> assertThat(s.serverName()).isEqualTo("alpha"));
    }

    @Test
    void aStoppingProducerPublishesNoTaskBatchAfterItAnnouncesItsStop() throws Exception {
        // One pk per batch, five hundred every second: batches go out all the time.
        Producer producer = start("alpha", new Schedule(PkRange.of(500), Duration.ofSeconds(1), 1));
        var jsm = servers.nats().jetStreamManagement();
        String tasks = servers.namespace().tasksStream();
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> jsm.getStreamInfo(tasks).getStreamState().getMsgCount() >= 100);

        producer.stopGracefully();

        long batches = jsm.getStreamInfo(tasks).getStreamState().getMsgCount();
        var lastBatch = jsm.getLastMessage(tasks, servers.namespace().tasksSubject());
        var stopEvent = jsm.getLastMessage(servers.namespace().eventsStream(),
                servers.namespace().eventSubject(ProducerStopped.TYPE));
        // Both times are the server's, taken as it stored each message.
        assertThat(lastBatch.getTime()).as("the last task batch is stored before the stop is announced")
                .isBefore(stopEvent.getTime());
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> jsm.getStreamInfo(tasks).getStreamState().getMsgCount() == batches);
    }
}
