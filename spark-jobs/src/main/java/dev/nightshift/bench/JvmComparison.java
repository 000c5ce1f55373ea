package dev.nightshift.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The last part of {@code scripts/bench --compare-jvm}: reads the profiling benchmark's JSON of every run, {@code a-1.json},
 * {@code b-1.json}, {@code a-2.json}, ... (setting A and setting B, each run a fresh JVM, the two alternating), and prints
 * per variant and setting the median over the runs of each run's median time and of its time over the plain scan's, with
 * the runs' range, and in how many of the pairs (run i of A against run i of B) B took less, with the sign test's p-value
 * for that count. One run's spread on a shared host is as wide as most differences a JVM option makes, so only a
 * difference that holds in most pairs says anything. The same figures go to {@code comparison.json} in the folder.
 */
public final class JvmComparison {

    /** One variant's figures under one setting, over the runs. */
    record Side(List<Double> seconds, List<Double> vsScan) {
    }

    /**
     * One variant: A's and B's figures, the pairs in which B took less time (and had the lower ratio), and those in which
     * it took more (had the higher ratio); the rest are ties.
     */
    record Line(String variant, Side a, Side b, int pairs, int bFasterSeconds, int bLowerRatio, int bSlowerSeconds, int bHigherRatio) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private JvmComparison() {
    }

    /** {@code main DIR A_LABEL B_LABEL}: DIR holds the runs' JSON; the labels (the settings) are printed as given. */
    public static void main(String[] argv) throws IOException {
        if (argv.length != 3) {
            throw new IllegalArgumentException("expected DIR A_LABEL B_LABEL, got " + List.of(argv));
        }
        Path dir = Path.of(argv[0]);
        List<Line> lines = compare(dir);
        System.out.print(table(lines, argv[1], argv[2]));
        ScoringBenchmark.write(dir.resolve("comparison.json"), json(lines, argv[1], argv[2]));
    }

    /** Reads the pairs of runs in {@code dir} (from 1 up, until a pair is incomplete) and compares them, variant by variant. */
    static List<Line> compare(Path dir) throws IOException {
        List<JsonNode> a = new ArrayList<>();
        List<JsonNode> b = new ArrayList<>();
        for (int i = 1; Files.exists(dir.resolve("a-" + i + ".json")) && Files.exists(dir.resolve("b-" + i + ".json")); i++) {
            a.add(JSON.readTree(dir.resolve("a-" + i + ".json").toFile()));
            b.add(JSON.readTree(dir.resolve("b-" + i + ".json").toFile()));
        }
        if (a.isEmpty()) {
            throw new IllegalArgumentException(dir + ": no complete pair of runs (expected a-1.json and b-1.json)");
        }
        List<Line> lines = new ArrayList<>();
        for (JsonNode v : a.get(0).path("variants")) {
            String name = v.path("name").asText();
            Side sa = side(a, name, dir, "a");
            Side sb = side(b, name, dir, "b");
            int fasterSeconds = 0;
            int lowerRatio = 0;
            int slowerSeconds = 0;
            int higherRatio = 0;
            for (int i = 0; i < a.size(); i++) {
                fasterSeconds += sb.seconds().get(i) < sa.seconds().get(i) ? 1 : 0;
                lowerRatio += sb.vsScan().get(i) < sa.vsScan().get(i) ? 1 : 0;
                slowerSeconds += sb.seconds().get(i) > sa.seconds().get(i) ? 1 : 0;
                higherRatio += sb.vsScan().get(i) > sa.vsScan().get(i) ? 1 : 0;
            }
            lines.add(new Line(name, sa, sb, a.size(), fasterSeconds, lowerRatio, slowerSeconds, higherRatio));
        }
        return lines;
    }

    /** A variant's figures over {@code runs}, the files {@code dir/setting-1.json}, {@code dir/setting-2.json}, ... */
    static Side side(List<JsonNode> runs, String variant, Path dir, String setting) {
        List<Double> seconds = new ArrayList<>();
        List<Double> vsScan = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            JsonNode found = null;
            for (JsonNode v : runs.get(i).path("variants")) {
                if (v.path("name").asText().equals(variant)) {
                    found = v;
                }
            }
            if (found == null) {
                throw new IllegalArgumentException(dir.resolve(setting + "-" + (i + 1) + ".json") + ": no variant '" + variant
                        + "' (every run must time the same variants)");
            }
            List<Double> s = new ArrayList<>();
            found.path("seconds").forEach(x -> s.add(x.asDouble()));
            seconds.add(ScoringBenchmark.median(s));
            vsScan.add(found.path("timeVsPlainScan").asDouble());
        }
        return new Side(seconds, vsScan);
    }

    static String table(List<Line> lines, String aLabel, String bLabel) {
        int pairs = lines.get(0).pairs();
        StringBuilder t = new StringBuilder(String.format(Locale.ROOT,
                "%nA: %s%nB: %s%n%d pairs of runs, each a fresh JVM; per run its median round; below, the median over the runs"
                        + " [lowest–highest]; p: the two-sided sign test's chance of a split of the pairs at least as uneven"
                        + " if A and B were the same (ties left out)%n", aLabel.isBlank() ? "(the defaults)" : aLabel, bLabel.isBlank() ? "(the defaults)" : bLabel,
                pairs));
        t.append("| variant | A seconds | B seconds | B less time in | A vs plain scan | B vs plain scan | B lower ratio in |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (Line l : lines) {
            t.append(String.format(Locale.ROOT, "| %s | %s | %s | %d of %d%s | %s | %s | %d of %d%s |%n", l.variant(),
                    spread(l.a().seconds(), "%.2f"), spread(l.b().seconds(), "%.2f"), l.bFasterSeconds(), l.pairs(),
                    p(l.bFasterSeconds(), l.bSlowerSeconds()), spread(l.a().vsScan(), "%.2f×"), spread(l.b().vsScan(), "%.2f×"),
                    l.bLowerRatio(), l.pairs(), p(l.bLowerRatio(), l.bHigherRatio())));
        }
        return t.toString();
    }

    /** ", p 0.021" for a split of {@code lower} against {@code higher} pairs; nothing when every pair is a tie. */
    private static String p(int lower, int higher) {
        Double p = signTestUnlessTied(lower, higher);
        return p == null ? "" : String.format(Locale.ROOT, ", p %.2g", p);
    }

    /** {@link #signTest}, or null when every pair is a tie (no untied pair to test). */
    private static Double signTestUnlessTied(int lower, int higher) {
        return lower + higher == 0 ? null : signTest(lower, higher);
    }

    /**
     * The exact two-sided sign test: were A and B the same, each untied pair would go either way with probability 1/2,
     * so the chance of a split at least as uneven as {@code lower} against {@code higher} is 2 × P(X ≤ min(lower,
     * higher)) for X ~ Binomial(lower + higher, 1/2), at most 1 ({@code scipy.stats.binomtest}'s p-value for p = 1/2).
     */
    static double signTest(int lower, int higher) {
        if (lower < 0 || higher < 0 || lower + higher == 0) {
            throw new IllegalArgumentException("expected untied pairs, got " + lower + " against " + higher);
        }
        int n = lower + higher;
        int k = Math.min(lower, higher);
        BigInteger tail = BigInteger.ZERO;
        BigInteger choose = BigInteger.ONE; // C(n, 0)
        for (int i = 0; i <= k; i++) {
            tail = tail.add(choose);
            choose = choose.multiply(BigInteger.valueOf(n - i)).divide(BigInteger.valueOf(i + 1));
        }
        double p = new BigDecimal(tail.shiftLeft(1)).divide(new BigDecimal(BigInteger.ONE.shiftLeft(n)), MathContext.DECIMAL64).doubleValue();
        return Math.min(1.0, p);
    }

    private static String spread(List<Double> xs, String format) {
        return String.format(Locale.ROOT, format, ScoringBenchmark.median(xs)) + " " + range(xs, format);
    }

    /** "[lowest–highest]" of {@code xs}, each as {@code format}. */
    static String range(List<Double> xs, String format) {
        return String.format(Locale.ROOT, "[" + format + "–" + format + "]",
                xs.stream().mapToDouble(Double::doubleValue).min().orElseThrow(), xs.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
    }

    static String json(List<Line> lines, String aLabel, String bLabel) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("a", aLabel);
        out.put("b", bLabel);
        out.put("pairs", lines.get(0).pairs());
        List<Map<String, Object>> variants = new ArrayList<>();
        for (Line l : lines) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("name", l.variant());
            v.put("aSeconds", l.a().seconds());
            v.put("bSeconds", l.b().seconds());
            v.put("aTimeVsPlainScan", l.a().vsScan());
            v.put("bTimeVsPlainScan", l.b().vsScan());
            v.put("pairsWithBLessTime", l.bFasterSeconds());
            v.put("pairsWithBMoreTime", l.bSlowerSeconds());
            v.put("signTestPTime", signTestUnlessTied(l.bFasterSeconds(), l.bSlowerSeconds()));
            v.put("pairsWithBLowerRatio", l.bLowerRatio());
            v.put("pairsWithBHigherRatio", l.bHigherRatio());
            v.put("signTestPRatio", signTestUnlessTied(l.bLowerRatio(), l.bHigherRatio()));
            variants.add(v);
        }
        out.put("variants", variants);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("could not write the comparison as JSON", e);
        }
    }
}
