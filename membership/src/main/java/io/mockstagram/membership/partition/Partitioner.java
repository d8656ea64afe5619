package io.mockstagram.membership.partition;

import java.util.Locale;

/** Decides which of the members numbered 1..total owns a key. */
public interface Partitioner {

    /** The number, in 1..total, of the member that owns {@code key}. */
    int ownerOf(long key, int total);

    default boolean owns(long key, int serverNumber, int total) {
        return ownerOf(key, total) == serverNumber;
    }

    String name();

    /** {@code modulo} or {@code jump}. */
    static Partitioner named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "modulo" -> new ModuloPartitioner();
            case "jump" -> new JumpPartitioner();
            default -> throw new IllegalArgumentException("unknown partitioner '" + name + "'; use modulo or jump");
        };
    }
}
