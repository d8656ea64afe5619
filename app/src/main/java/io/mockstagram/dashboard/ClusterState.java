package io.mockstagram.dashboard;

import java.util.List;

/**
 * The membership as the cluster view shows it.
 *
 * @param producers the members in number order
 * @param nurse     the id of the acting nurse, or null when none holds the lease
 * @param control   whether this dashboard can add, stop and kill producers
 */
public record ClusterState(String namespace, long epoch, int total, List<Producer> producers, String nurse,
                           long leaseMs, int firstPk, int influencers, long intervalMs, boolean control) {

    /**
     * One producer.
     *
     * @param leaseAgeMs       time since its lease was last renewed, by Redis's clock
     * @param leaseRemainingMs time until its lease runs out
     * @param sharePks         how many pks it polls each interval
     */
    public record Producer(String name, int number, long leaseAgeMs, long leaseRemainingMs, long sharePks,
                           double shareFraction) {
    }
}
