package io.mockstagram.membership.store;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The whole membership as read at one instant.
 *
 * @param epoch       the EPOCH key
 * @param storedTotal the TOTAL key
 * @param redisTimeMs Redis time when the snapshot was taken
 * @param members     every member, ordered by number
 * @param generation  the map's generation id, '' when it has none
 */
public record MembershipSnapshot(long epoch, int storedTotal, long redisTimeMs, List<MemberLease> members,
                                 String generation) {

    /** One member's number and the Redis time at which its lease runs out. */
    public record MemberLease(String name, int number, long leaseDeadlineMs) {
    }

    public MembershipSnapshot {
        members = members.stream().sorted(Comparator.comparingInt(MemberLease::number)).toList();
    }

    public int total() {
        return members.size();
    }

    public Map<String, Integer> numbersByName() {
        return members.stream().collect(Collectors.toUnmodifiableMap(MemberLease::name, MemberLease::number));
    }

    public Optional<MemberLease> member(String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** The contract: the numbers are exactly 1..TOTAL and TOTAL is the hash size. */
    public boolean isDense() {
        return storedTotal == members.size()
                && members.stream().map(MemberLease::number).toList()
                        .equals(IntStream.rangeClosed(1, members.size()).boxed().toList());
    }
}
