package io.mockstagram.dashboard;

import java.util.List;

/**
 * What a local cluster lets the dashboard do to it: add a producer, stop one gracefully, or
 * kill one outright. Only {@code up} provides it; a dashboard without it offers no controls.
 */
public interface ClusterControl {

    /** Starts one more producer process; returns its name. */
    String addProducer();

    /** SIGTERM: the producer announces its stop and leaves at once. */
    void stopProducer(String name);

    /** kill -9: the nurse finds out when the producer's lease runs out. */
    void killProducer(String name);

    /** The producers this cluster runs, alive or not yet reaped. */
    List<String> producers();
}
