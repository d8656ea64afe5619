package io.mockstagram.pipeline;

import io.mockstagram.infra.NatsLink;
import io.mockstagram.testing.SharedServers;
import io.nats.client.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The work queue under fetchers and updaters, against a real JetStream. */
class WorkQueueTest {

    @RegisterExtension
    final SharedServers shared = new SharedServers();

    private NatsLink nats;

    @BeforeEach
    void createTheStreams() {
        PipelineStreams.ensure(shared.nats(), shared.namespace());
        nats = NatsLink.start(shared.clusterSettings().nats(), "work-queue-test");
    }

    @AfterEach
    void disconnect() {
        nats.close();
    }

    private WorkQueue queue(BiConsumer<Message, Runnable> handler) {
        return new WorkQueue(nats, shared.namespace().tasksStream(), "workers", Duration.ofSeconds(30), 4, handler)
                .start();
    }

    private void publish(String body) throws Exception {
        shared.nats().jetStream().publish(shared.namespace().tasksSubject(), body.getBytes(StandardCharsets.UTF_8));
    }

    private long messagesInTheStream() throws Exception {
        return shared.nats().jetStreamManagement().getStreamInfo(shared.namespace().tasksStream())
                .getStreamState().getMsgCount();
    }

    @Test
    void stoppingWaitsForTheMessageUnderWayToBeAcknowledged() throws Exception {
        var handed = new CompletableFuture<Void>();
        var acknowledged = new AtomicBoolean();
        WorkQueue queue = queue((message, release) -> {
            handed.complete(null);
            // The work finishes a little after the stop begins.
            CompletableFuture.runAsync(() -> {
                message.ack();
                acknowledged.set(true);
                release.run();
            }, CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS));
        });
        publish("task");
        handed.get(10, TimeUnit.SECONDS);

        boolean drained = queue.stop();

        assertThat(drained).as("every message under way finished").isTrue();
        assertThat(acknowledged).as("acknowledged before the stop returned").isTrue();
        await("the acknowledged message leaves the work queue").atMost(Duration.ofSeconds(5))
                .until(() -> messagesInTheStream() == 0);
    }

    @Test
    void stoppingAnIdleQueueFindsNothingUnderWay() throws Exception {
        WorkQueue queue = queue((message, release) -> {
            message.ack();
            release.run();
        });
        publish("one");
        await("the queue is pulling").atMost(Duration.ofSeconds(10)).until(() -> messagesInTheStream() == 0);

        // The puller is now inside a pull that finds nothing; stopping must not strand its slot.
        assertThat(queue.stop()).as("no slot left taken").isTrue();
    }

    @Test
    void aStoppedQueueTakesNoMoreMessages() throws Exception {
        var taken = new AtomicBoolean();
        WorkQueue queue = queue((message, release) -> {
            taken.set(true);
            message.ack();
            release.run();
        });
        await("the consumer exists").atMost(Duration.ofSeconds(10)).until(() ->
                shared.nats().jetStreamManagement().getConsumerNames(shared.namespace().tasksStream()).contains("workers"));

        queue.stop();
        publish("after the stop");

        await("nothing handed out after the stop").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                .until(() -> !taken.get());
        assertThat(messagesInTheStream()).as("left for another worker").isEqualTo(1);
    }
}
