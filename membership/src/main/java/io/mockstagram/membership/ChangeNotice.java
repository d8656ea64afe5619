package io.mockstagram.membership;

import io.mockstagram.membership.store.MembershipChange.Kind;
import io.mockstagram.membership.store.MembershipChange.Move;

import java.util.Optional;

/**
 * One change as Redis announces it on the namespace's channel, from inside the script that
 * made it: enough for a member that saw the previous epoch of the same generation to follow
 * without asking Redis. {@code generation} is '' when the notice names none (a script from
 * before generations), which no member takes as proof of anything.
 */
public record ChangeNotice(long epoch, int total, Kind kind, String name, int number, Optional<Move> move,
                           String generation) {

    /**
     * Parses "epoch total kind name number moved from to generation"; moved is '-' when nobody
     * moved. The generation may be missing (older scripts) or '-' (none).
     */
    public static Optional<ChangeNotice> parse(String message) {
        String[] f = message.split(" ");
        if (f.length != 8 && f.length != 9) {
            return Optional.empty();
        }
        try {
            Optional<Move> move = f[5].equals("-")
                    ? Optional.empty()
                    : Optional.of(new Move(f[5], Integer.parseInt(f[6]), Integer.parseInt(f[7])));
            String generation = f.length == 9 && !f[8].equals("-") ? f[8] : "";
            return Optional.of(new ChangeNotice(Long.parseLong(f[0]), Integer.parseInt(f[1]), Kind.valueOf(f[2]), f[3],
                    Integer.parseInt(f[4]), move, generation));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
