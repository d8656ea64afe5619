package io.mockstagram.membership;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The Redis keys of one membership namespace. The first three are the public
 * contract (compatible with the original deployment); the rest are internal.
 */
public record MembershipKeys(String namespace) {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public MembershipKeys {
        if (namespace == null || !VALID.matcher(namespace).matches()) {
            throw new IllegalArgumentException("namespace must be 1-64 letters, digits, '_' or '-', was '" + namespace + "'");
        }
    }

    /** Hash: serverName to serverNumber. */
    public String members() {
        return namespace;
    }

    /** String: how many members there are. */
    public String total() {
        return namespace + ":TOTAL";
    }

    /** String: grows on every membership change. */
    public String epoch() {
        return namespace + ":EPOCH";
    }

    /** Hash: serverNumber to serverName, so the highest member is found without a scan. */
    public String numbers() {
        return namespace + ":NUMBERS";
    }

    /** Sorted set: serverName scored by its lease deadline in Redis milliseconds. */
    public String leases() {
        return namespace + ":LEASES";
    }

    /** Hash: serverName to the id of the process that holds the name. */
    public String incarnations() {
        return namespace + ":INCARNATIONS";
    }

    /** Sorted set: members moved to a new number that have not yet seen it. */
    public String pending() {
        return namespace + ":PENDING";
    }

    /**
     * Hash: the map's generation, {@code id} (random) and {@code created} (Redis ms). Created
     * with the epoch key, and again whenever the map is rebuilt from nothing.
     */
    public String generation() {
        return namespace + ":GENERATION";
    }

    /**
     * Hash: serverName to the Redis time (ms) of its last join or renewal, so that a change
     * can say since when a departed member may have left its work undone.
     */
    public String renewed() {
        return namespace + ":RENEWED";
    }

    /** Stream: one entry per change, with its epoch and what moved. */
    public String changes() {
        return namespace + ":CHANGES";
    }

    /** Pub/sub channel: the epoch of every change, published by the script that made it. */
    public String changedChannel() {
        return namespace + ":CHANGED";
    }

    /** String with a TTL: the id of the nurse that may act. */
    public String leader() {
        return namespace + ":NURSE";
    }

    /** String: the changelog entry the acting nurse has announced up to. */
    public String relayed() {
        return namespace + ":NURSE:RELAYED";
    }

    /** The keys every membership script receives, in the order prelude.lua binds them. */
    public List<String> scriptKeys() {
        return List.of(members(), total(), epoch(), numbers(), leases(), incarnations(), pending(), changes(),
                generation(), renewed());
    }

    public List<String> all() {
        return List.of(members(), total(), epoch(), numbers(), leases(), incarnations(), pending(), changes(),
                generation(), renewed(), leader(), relayed());
    }
}
