package io.mockstagram.membership;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Tells members the moment the membership changes: every membership script publishes a
 * {@link ChangeNotice} on the namespace's channel, and each watched member follows it. A
 * lost notice costs nothing but time; heartbeats converge anyway. One watcher (one pub/sub
 * connection) serves any number of members in a process.
 */
public final class ChangeWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChangeWatcher.class);

    private final StatefulRedisPubSubConnection<String, String> pubsub;
    private final String channel;
    private final List<Consumer<ChangeNotice>> listeners = new CopyOnWriteArrayList<>();

    public ChangeWatcher(StatefulRedisPubSubConnection<String, String> pubsub, MembershipKeys keys) {
        this.pubsub = pubsub;
        this.channel = keys.changedChannel();
        pubsub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String from, String message) {
                if (channel.equals(from)) {
                    deliver(message);
                }
            }
        });
        // Lettuce subscribes again by itself after a reconnect.
        pubsub.async().subscribe(channel).whenComplete((ignored, failure) -> {
            if (failure != null) {
                log.warn("cannot watch {}; members converge through heartbeats: {}", channel, failure.getMessage());
            }
        });
    }

    /** Has {@code member} follow every change as it is announced. */
    public ChangeWatcher watch(Member member) {
        return addListener(member::follow);
    }

    public ChangeWatcher addListener(Consumer<ChangeNotice> listener) {
        listeners.add(listener);
        return this;
    }

    private void deliver(String message) {
        ChangeNotice.parse(message).ifPresentOrElse(
                notice -> listeners.forEach(listener -> listener.accept(notice)),
                () -> log.debug("ignoring an unreadable change notice: {}", message));
    }

    @Override
    public void close() {
        pubsub.close();
    }
}
