package io.mockstagram.membership.partition;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PartitionerProperties {

    private final Partitioner modulo = new ModuloPartitioner();
    private final Partitioner jump = new JumpPartitioner();

    @Property
    void everyKeyHasExactlyOneOwnerAmongTheMembers(@ForAll @LongRange(min = 0, max = 10_000_000) long key,
                                                   @ForAll @IntRange(min = 1, max = 500) int total) {
        for (Partitioner partitioner : new Partitioner[] {modulo, jump}) {
            int owner = partitioner.ownerOf(key, total);
            assertThat(owner).isBetween(1, total);
            assertThat(partitioner.owns(key, owner, total)).isTrue();
        }
    }

    @Property
    void moduloIsTheOriginalRule(@ForAll @LongRange(min = 0, max = 10_000_000) long pk,
                                 @ForAll @IntRange(min = 1, max = 500) int total) {
        assertThat(modulo.owns(pk, (int) (pk % total) + 1, total)).isTrue();
    }

    @Property
    void whenAMemberIsAddedJumpMovesKeysOnlyToTheNewMember(@ForAll @LongRange(min = 0, max = 10_000_000) long key,
                                                          @ForAll @IntRange(min = 1, max = 500) int total) {
        int before = jump.ownerOf(key, total);
        int after = jump.ownerOf(key, total + 1);
        assertThat(after).isIn(before, total + 1);
    }

    @Example
    void jumpSpreadsSequentialIdsEvenly() {
        int total = 8;
        long[] counts = new long[total + 1];
        LongStream.range(1_000_000, 1_080_000).forEach(pk -> counts[jump.ownerOf(pk, total)]++);
        for (int number = 1; number <= total; number++) {
            assertThat(counts[number]).as("share of member %d", number).isBetween(9_400L, 10_600L);
        }
    }

    @Example
    void partitionersAreChosenByName() {
        assertThat(Partitioner.named("JUMP").name()).isEqualTo("jump");
        assertThat(Partitioner.named("modulo").name()).isEqualTo("modulo");
        assertThatThrownBy(() -> Partitioner.named("ring")).hasMessageContaining("modulo or jump");
    }
}
