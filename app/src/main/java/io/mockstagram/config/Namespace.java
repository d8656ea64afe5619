package io.mockstagram.config;

import io.mockstagram.membership.MembershipKeys;

import java.util.Locale;
import java.util.Map;

/**
 * The prefix of every Redis key, NATS subject and stream of one cluster, so that several
 * clusters (or tests) can share a Redis and a NATS.
 */
public record Namespace(String name) {

    public static final String DEFAULT = "mockstagram";

    public Namespace {
        try {
            new MembershipKeys(name);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("MOCKSTAGRAM_NAMESPACE='" + name + "': " + e.getMessage());
        }
    }

    public static Namespace resolve(String flagValue, Map<String, String> env) {
        Setting setting = Setting.resolve(flagValue, "--namespace", env, DEFAULT, "MOCKSTAGRAM_NAMESPACE");
        try {
            return new Namespace(setting.value());
        } catch (ConfigException e) {
            throw setting.error("use 1-64 letters, digits, '_' or '-'");
        }
    }

    public MembershipKeys membershipKeys() {
        return new MembershipKeys(name);
    }

    /** JetStream stream of cluster events: producers started and stopped, nurse updates. */
    public String eventsStream() {
        return name + "_EVENTS";
    }

    /** JetStream key-value bucket holding the membership's epoch floor (key {@code epoch}). */
    public String membershipBucket() {
        return name + "_MEMBERSHIP";
    }

    public String eventsSubjects() {
        return name + ".events.>";
    }

    public String eventSubject(String type) {
        return name + ".events." + type;
    }

    /** JetStream work queue of task batches, from producers to fetchers. */
    public String tasksStream() {
        return name + "_TASKS";
    }

    public String tasksSubject() {
        return name + ".tasks";
    }

    /** JetStream work queue of reading batches, from fetchers to updaters. */
    public String readingsStream() {
        return name + "_READINGS";
    }

    public String readingsSubject() {
        return name + ".readings";
    }

    /** Prefix of the pipeline's Redis keys (latest readings, rank, averages). */
    public String redisKey(String suffix) {
        return name + ":" + suffix;
    }

    /** The PostgreSQL schema holding this namespace's time series. */
    public String databaseSchema() {
        return name.toLowerCase(Locale.ROOT).replace('-', '_');
    }
}
