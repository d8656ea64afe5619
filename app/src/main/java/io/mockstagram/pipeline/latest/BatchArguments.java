package io.mockstagram.pipeline.latest;

import io.mockstagram.pipeline.Verdict;
import io.mockstagram.pipeline.timeseries.AggregateRows;

import java.util.List;

/**
 * The ARGV of the view scripts: one comma-separated string per column.
 *
 * <p>Why columns: against a million influencers, 1000 readings a call, one string per column,
 * one per reading and one per value cost Redis about the same (20-25 µs a reading, within the
 * noise of the machine; the ZADD into the million-entry rank alone takes about 10 of them),
 * but columns send the fewest bytes and cost the client least.
 */
final class BatchArguments {

    private BatchArguments() {
    }

    /** For apply.lua: the interval the rows' new readings belong to and how many there were (0 for none), then the rows. */
    static String[] of(long scheduledAtMs, int newReadings, AggregateRows rows) {
        return new String[] {
                Long.toString(scheduledAtMs),
                Integer.toString(newReadings),
                join(rows.pks()),
                join(rows.readings()),
                join(rows.followerSums()),
                join(rows.scheduledAtMs()),
                join(rows.followers()),
                join(rows.following()),
                join(rows.fetchedAtMs())
        };
    }

    /** For suspicious.lua. */
    static String[] of(List<Verdict> verdicts) {
        var pks = new StringBuilder();
        var flags = new StringBuilder();
        var at = new StringBuilder();
        for (Verdict verdict : verdicts) {
            if (!pks.isEmpty()) {
                pks.append(',');
                flags.append(',');
                at.append(',');
            }
            pks.append(verdict.pk());
            flags.append(verdict.suspicious() ? '1' : '0');
            at.append(verdict.atMs());
        }
        return new String[] {pks.toString(), flags.toString(), at.toString()};
    }

    private static String join(int[] values) {
        var out = new StringBuilder(values.length * 8);
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(values[i]);
        }
        return out.toString();
    }

    private static String join(long[] values) {
        var out = new StringBuilder(values.length * 14);
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(values[i]);
        }
        return out.toString();
    }
}
