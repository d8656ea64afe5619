package io.mockstagram.bench;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads what a benchmark needs out of Prometheus text: counter sums and histogram buckets. */
public final class Scrape {

    /** The bucket's bound, not any other label that happens to end in "le" (such as role). */
    private static final Pattern BOUND = Pattern.compile("[{,]le=\"([^\"]+)\"");

    private Scrape() {
    }

    /** The sum over every series of {@code name}. */
    public static double sum(String text, String name) {
        double total = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    /** Cumulative bucket counts of histogram {@code name} (le to count), summed over series. */
    public static TreeMap<Double, Double> buckets(String text, String name) {
        return buckets(text, name, "");
    }

    /** The same, over the series whose labels contain {@code label} (such as endpoint="stats"). */
    static TreeMap<Double, Double> buckets(String text, String name, String label) {
        var buckets = new TreeMap<Double, Double>();
        String prefix = name + "_bucket{";
        for (String line : text.split("\n")) {
            if (!line.startsWith(prefix) || !line.contains(label)) {
                continue;
            }
            Matcher le = BOUND.matcher(line);
            if (!le.find()) {
                continue;
            }
            String bound = le.group(1);
            double upper = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
            buckets.merge(upper, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Double::sum);
        }
        return buckets;
    }

    public static TreeMap<Double, Double> add(List<TreeMap<Double, Double>> all) {
        var total = new TreeMap<Double, Double>();
        all.forEach(b -> b.forEach((le, count) -> total.merge(le, count, Double::sum)));
        return total;
    }

    public static TreeMap<Double, Double> minus(TreeMap<Double, Double> after, Map<Double, Double> before) {
        var delta = new TreeMap<Double, Double>();
        after.forEach((le, count) -> delta.put(le, count - before.getOrDefault(le, 0.0)));
        return delta;
    }

    /** The smallest bucket bound under which {@code q} of the observations fall; NaN without observations. */
    public static double quantile(TreeMap<Double, Double> cumulative, double q) {
        double total = cumulative.isEmpty() ? 0 : cumulative.lastEntry().getValue();
        if (total <= 0) {
            return Double.NaN;
        }
        for (var bucket : cumulative.entrySet()) {
            if (bucket.getValue() >= q * total) {
                return bucket.getKey();
            }
        }
        return Double.POSITIVE_INFINITY;
    }
}
