package io.mockstagram.membership;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class MapRulesProperties {

    @Provide
    Arbitrary<Assignment> assignments() {
        return Arbitraries.of(MemberState.values()).flatMap(state -> Arbitraries.integers().between(1, 8).flatMap(total ->
                Arbitraries.integers().between(1, total).flatMap(number -> Arbitraries.longs().between(0, 20)
                        .map(epoch -> new Assignment("m", state, number, total, epoch)))));
    }

    @Provide
    Arbitrary<String> generations() {
        return Arbitraries.of("", "A", "B");
    }

    @Provide
    Arbitrary<String> known() {
        return Arbitraries.of("A", "B").injectNull(0.2);
    }

    @Property
    void aNoticeOfAnotherGenerationNeverLeavesAnActiveMemberActing(@ForAll("known") String known,
            @ForAll("assignments") Assignment current, @ForAll @LongRange(max = 30) long epoch,
            @ForAll("generations") String generation, @ForAll boolean aboutSelf) {
        MapRules.Action action = MapRules.onNotice(known, current, epoch, generation, aboutSelf);
        if (MapRules.foreign(known, generation)) {
            assertThat(action).isEqualTo(current.isActive() ? MapRules.Action.FENCE_AND_REFRESH : MapRules.Action.REFRESH);
        }
    }

    @Property
    void onlyTheNextEpochOfTheMembersOwnGenerationIsAppliedWithoutAskingRedis(@ForAll("known") String known,
            @ForAll("assignments") Assignment current, @ForAll @LongRange(max = 30) long epoch,
            @ForAll("generations") String generation, @ForAll boolean aboutSelf) {
        if (MapRules.onNotice(known, current, epoch, generation, aboutSelf) == MapRules.Action.APPLY) {
            assertThat(generation).isEqualTo(known);
            assertThat(epoch).isEqualTo(current.epoch() + 1);
            assertThat(current.state()).isNotEqualTo(MemberState.JOINING);
            assertThat(aboutSelf).isFalse();
        }
    }

    @Property
    void aHintIsNeverAppliedOnlyAskedAbout(@ForAll("known") String known, @ForAll("assignments") Assignment current,
            @ForAll @LongRange(max = 30) long epoch, @ForAll("generations") String generation) {
        assertThat(MapRules.onHint(known, current, epoch, generation)).isNotEqualTo(MapRules.Action.APPLY);
    }

    @Property
    void aNewcomerActsExactlyWhenTheMapIsOneLeaseOld(@ForAll @LongRange(min = -10, max = 10_000) long ageMs,
            @ForAll @LongRange(min = 300, max = 6000) long leaseMs) {
        Duration wait = MapRules.settleWait(ageMs, Duration.ofMillis(leaseMs));
        assertThat(wait.isZero()).isEqualTo(ageMs >= leaseMs);
        assertThat(wait).isLessThanOrEqualTo(Duration.ofMillis(leaseMs));
        if (ageMs >= 0 && ageMs < leaseMs) {
            assertThat(wait.toMillis() + ageMs).isEqualTo(leaseMs);
        }
    }

    @Example
    void aNoticeWithoutAGenerationIsNeverProofOfAnotherMap() {
        var active = new Assignment("m", MemberState.ACTIVE, 1, 2, 5);
        assertThat(MapRules.onNotice("A", active, 6, "", false)).isEqualTo(MapRules.Action.REFRESH);
    }
}
