package io.mockstagram.dashboard;

import io.mockstagram.config.Namespace;
import io.mockstagram.events.ClusterEvent;
import io.mockstagram.events.ClusterEvents;
import io.mockstagram.infra.Json;
import io.nats.client.Connection;
import io.nats.client.api.MessageInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The cluster's recent events for the timeline: the last ones on the stream when the
 * dashboard starts, then each new one as it is published.
 */
final class EventFeed {

    private static final Logger log = LoggerFactory.getLogger(EventFeed.class);
    static final int CAPACITY = 200;

    private final Namespace namespace;
    private final Deque<ClusterEvent> recent = new ArrayDeque<>();
    private final List<Consumer<ClusterEvent>> listeners = new CopyOnWriteArrayList<>();
    private boolean loaded;

    EventFeed(ClusterEvents events) {
        this.namespace = events.namespace();
        events.link().whenConnected(this::loadHistory);
        events.subscribe(this::add);
    }

    void addListener(Consumer<ClusterEvent> listener) {
        listeners.add(listener);
    }

    synchronized List<ClusterEvent> recent() {
        return new ArrayList<>(recent);
    }

    private void add(ClusterEvent event) {
        synchronized (this) {
            recent.addLast(event);
            while (recent.size() > CAPACITY) {
                recent.removeFirst();
            }
        }
        listeners.forEach(listener -> listener.accept(event));
    }

    private void loadHistory(Connection connection) {
        synchronized (this) {
            if (loaded) {
                return;
            }
            loaded = true;
        }
        try {
            var jsm = connection.jetStreamManagement();
            var state = jsm.getStreamInfo(namespace.eventsStream()).getStreamState();
            List<ClusterEvent> history = new ArrayList<>();
            for (long seq = Math.max(state.getFirstSequence(), state.getLastSequence() - CAPACITY + 1);
                 seq <= state.getLastSequence() && seq > 0; seq++) {
                try {
                    MessageInfo message = jsm.getMessage(namespace.eventsStream(), seq);
                    history.add(Json.read(message.getData(), ClusterEvent.class));
                } catch (Exception e) {
                    // a message removed by the stream's limits meanwhile, or unreadable: skip it
                }
            }
            synchronized (this) {
                history.addAll(recent);
                recent.clear();
                history.subList(Math.max(0, history.size() - CAPACITY), history.size()).forEach(recent::addLast);
            }
        } catch (Exception e) {
            log.debug("no event history yet: {}", e.getMessage());
        }
    }
}
