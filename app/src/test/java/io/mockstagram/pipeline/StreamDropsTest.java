package io.mockstagram.pipeline;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mockstagram.pipeline.stats.PipelineStats;
import io.mockstagram.testing.SharedServers;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A full work queue refuses new batches rather than silently drop old ones, and the refusal,
 * seen by the publisher, is counted in its metrics and for the pipeline page.
 */
class StreamDropsTest {

    @RegisterExtension
    final SharedServers servers = new SharedServers();

    private static final byte[] BATCH = new byte[1024];

    @AfterEach
    void deleteCounts() {
        servers.redis().sync().del(servers.namespace().redisKey("PIPELINE:DROPPED"));
    }

    @Test
    void a_full_queue_refuses_a_publish_and_the_publisher_counts_the_drop() throws Exception {
        var namespace = servers.namespace();
        var js = servers.nats().jetStream();
        servers.nats().jetStreamManagement().addStream(
                PipelineStreams.workQueue(namespace.tasksStream(), namespace.tasksSubject(), 8 * 1024));
        for (int i = 0; i < 6; i++) {
            js.publish(namespace.tasksSubject(), BATCH);
        }

        Throwable refused = null;
        for (int i = 0; i < 10 && refused == null; i++) {
            refused = catchThrowable(() -> js.publish(namespace.tasksSubject(), BATCH));
        }
        Throwable refusedAsync = catchThrowable(() -> js.publishAsync(namespace.tasksSubject(), BATCH).get(30, TimeUnit.SECONDS));

        assertThat(refused).as("a publish into the full queue").isNotNull();
        assertThat(StreamDrops.isLimitRejection(refused)).as(String.valueOf(refused)).isTrue();
        assertThat(refusedAsync).isInstanceOf(ExecutionException.class);
        assertThat(StreamDrops.isLimitRejection(refusedAsync)).as(String.valueOf(refusedAsync)).isTrue();
        assertThat(servers.nats().jetStreamManagement().getStreamInfo(namespace.tasksStream()).getStreamState().getMsgCount())
                .as("nothing already queued was dropped to make room").isGreaterThanOrEqualTo(6);

        var registry = new SimpleMeterRegistry();
        var stats = new PipelineStats(servers.redis().async(), namespace);
        var drops = new StreamDrops(stats, registry);
        drops.dropped(StreamDrops.Queue.TASKS);
        drops.dropped(StreamDrops.Queue.TASKS);
        drops.dropped(StreamDrops.Queue.READINGS);

        assertThat(registry.get("mockstagram.stream.dropped").tag("queue", "tasks").counter().count()).isEqualTo(2);
        assertThat(registry.get("mockstagram.stream.dropped").tag("queue", "readings").counter().count()).isEqualTo(1);
        assertThat(stats.dropped().toCompletableFuture().get(10, TimeUnit.SECONDS))
                .isEqualTo(Map.of("tasks", 2L, "readings", 1L));
    }

    @Test
    void other_publish_failures_are_not_drops() {
        Throwable noStream = catchThrowable(() -> servers.nats().jetStream().publish(
                servers.namespace().name() + ".nowhere", BATCH));

        assertThat(noStream).isNotNull();
        assertThat(StreamDrops.isLimitRejection(noStream)).isFalse();
        assertThat(StreamDrops.isLimitRejection(new IllegalStateException("NATS not connected"))).isFalse();
    }

    @Test
    void queues_made_by_an_older_version_are_brought_to_refuse_new_batches_and_keep_old_ones() throws Exception {
        var namespace = servers.namespace();
        var jsm = servers.nats().jetStreamManagement();
        jsm.addStream(StreamConfiguration.builder().name(namespace.tasksStream()).subjects(namespace.tasksSubject())
                .storageType(StorageType.File).retentionPolicy(RetentionPolicy.WorkQueue).discardPolicy(DiscardPolicy.Old)
                .maxAge(Duration.ofMinutes(10)).maxBytes(PipelineStreams.MAX_BYTES).build());

        PipelineStreams.ensure(servers.nats(), namespace);

        for (String stream : new String[]{namespace.tasksStream(), namespace.readingsStream()}) {
            var config = jsm.getStreamInfo(stream).getConfiguration();
            assertThat(config.getDiscardPolicy()).as(stream).isEqualTo(DiscardPolicy.New);
            assertThat(config.getMaxAge()).as("%s ages nothing out", stream).isEqualTo(Duration.ZERO);
            assertThat(config.getMaxBytes()).isEqualTo(PipelineStreams.MAX_BYTES);
        }
    }
}
