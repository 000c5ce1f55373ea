package dev.nightshift.drift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Each statistic against scipy 1.10.1 reference values ({@code fixtures/make_drift_fixtures.py}) and one hand-computed PSI. */
class DriftStatisticsTest {

    private static final double EXACT = 1e-9;
    private static JsonNode fixtures;

    @BeforeAll
    static void loadFixtures() throws IOException {
        try (InputStream in = DriftStatisticsTest.class.getResourceAsStream("/fixtures/drift_fixtures.json")) {
            fixtures = new ObjectMapper().readTree(in);
        }
        assertThat(fixtures.get("epsilon").asDouble()).isEqualTo(DriftStatistics.EPSILON);
    }

    @Test
    void psiByHand() {
        // given reference proportions (0.5, 0.5) and current (0.25, 0.75), with the 1e-4 smoothing of two bins
        long[] reference = {50, 50};
        long[] current = {25, 75};
        double p = (0.5 + 1e-4) / 1.0002;
        double q1 = (0.25 + 1e-4) / 1.0002;
        double q2 = (0.75 + 1e-4) / 1.0002;
        double expected = (q1 - p) * Math.log(q1 / p) + (q2 - p) * Math.log(q2 / p);

        // then PSI = sum (q - p) ln(q / p), about 0.2747 (unsmoothed: 0.25 ln 2 + 0.25 ln(1.5/0.5)... = 0.2747)
        assertThat(DriftStatistics.psi(reference, current)).isCloseTo(expected, within(1e-15));
        assertThat(DriftStatistics.psi(reference, current)).isCloseTo(-0.25 * Math.log(0.5) + 0.25 * Math.log(1.5), within(1e-3));
        assertThat(DriftStatistics.psi(reference, reference)).isEqualTo(0.0);
    }

    @Test
    void psiMatchesTheFixtureFormula() {
        for (JsonNode c : fixtures.get("psi")) {
            assertThat(DriftStatistics.psi(longs(c.get("reference")), longs(c.get("current"))))
                    .as(c.get("name").asText()).isCloseTo(c.get("psi").asDouble(), within(EXACT));
        }
    }

    @Test
    void categoricalStatisticsMatchScipy() {
        for (JsonNode c : fixtures.get("categorical")) {
            String name = c.get("name").asText();
            long[] ref = longs(c.get("reference"));
            long[] cur = longs(c.get("current"));
            assertThat(DriftStatistics.psi(ref, cur)).as(name + " psi").isCloseTo(c.get("psi").asDouble(), within(EXACT));
            assertThat(DriftStatistics.jensenShannon(ref, cur)).as(name + " js")
                    .isCloseTo(c.get("jensenShannon").asDouble(), within(EXACT));
            DriftStatistics.TestResult chi = DriftStatistics.chiSquare(ref, cur);
            assertThat(chi.statistic()).as(name + " chi2").isCloseTo(c.get("chiSquare").asDouble(),
                    within(EXACT * Math.max(1, c.get("chiSquare").asDouble())));
            assertThat(chi.pValue()).as(name + " chi2 p").isCloseTo(c.get("chiSquarePValue").asDouble(), within(EXACT));
            assertThat(DriftStatistics.linf(ref, cur)).as(name + " linf").isCloseTo(c.get("linf").asDouble(), within(EXACT));
        }
    }

    @Test
    void ksAndWassersteinOnExactSamplesMatchScipy() {
        for (JsonNode c : fixtures.get("numeric")) {
            String name = c.get("name").asText();
            double[] ref = doubles(c.get("reference"));
            double[] cur = doubles(c.get("current"));
            double d = DriftStatistics.ksStatistic(ref, cur);
            assertThat(d).as(name + " ks").isCloseTo(c.get("ks").asDouble(), within(EXACT));
            assertThat(DriftStatistics.ksPValue(d, ref.length, cur.length)).as(name + " ks p")
                    .isCloseTo(c.get("ksPValue").asDouble(), within(EXACT));
            double w = DriftStatistics.wasserstein(ref, cur);
            assertThat(w).as(name + " wasserstein").isCloseTo(c.get("wasserstein").asDouble(), within(EXACT));
            assertThat(DriftStatistics.normalizedWasserstein(w, sampleStd(ref))).as(name + " wasserstein / std")
                    .isCloseTo(c.get("wassersteinNormalized").asDouble(), within(EXACT));
        }
    }

    @Test
    void ksPValueForLargeSamplesMatchesScipyOnTheExactStatistic() {
        // n = round(m n / (m + n)) = 857 > 140: commons-math3 uses the Pelz-Good approximation there.
        for (JsonNode c : fixtures.get("sketch")) {
            double[] ref = doubles(c.get("reference"));
            double[] cur = doubles(c.get("current"));
            double d = DriftStatistics.ksStatistic(ref, cur);
            assertThat(d).isCloseTo(c.get("ks").asDouble(), within(EXACT));
            assertThat(DriftStatistics.ksPValue(d, ref.length, cur.length)).as(c.get("name").asText())
                    .isCloseTo(c.get("ksPValue").asDouble(), within(1e-6));
        }
    }

    @Test
    void ksPValueAcrossSampleSizesAndTheTail() {
        for (JsonNode c : fixtures.get("ksPValue")) {
            long n = c.get("n").asLong();
            double d = c.get("d").asDouble();
            double expected = c.get("p").asDouble();
            // With m = n (two equal samples of 2n), round(m n / (m + n)) = n.
            double actual = DriftStatistics.ksPValue(d, 2 * n, 2 * n);
            String what = "n=" + n + " nD^2=" + n * d * d;
            if (n <= 140) {
                assertThat(actual).as(what).isCloseTo(expected, within(EXACT));
            } else {
                assertThat(actual).as(what).isCloseTo(expected, within(5e-7));
                if (n * d * d >= 5 && n * d * d <= 10) {
                    assertThat(actual / expected).as(what + " relative").isCloseTo(1.0, within(0.11));
                }
            }
        }
    }

    @Test
    void sketchBasedKsAndWassersteinAreCloseToScipyOnTheFullSamples() {
        for (JsonNode c : fixtures.get("sketch")) {
            String name = c.get("name").asText();
            double[] ref = doubles(c.get("reference"));
            double[] cur = doubles(c.get("current"));
            double[] refSketch = QuantileSketch.exactQuantiles(ref);
            double[] curSketch = QuantileSketch.exactQuantiles(cur);
            // 101 quantiles resolve the CDF to 1/100: the KS statistic is within 0.02 of the exact one.
            assertThat(DriftStatistics.ksStatistic(refSketch, curSketch)).as(name + " ks")
                    .isCloseTo(c.get("ks").asDouble(), within(0.02));
            // The quantile-function integral with 101 points: within 5% of the reference std.
            assertThat(DriftStatistics.normalizedWasserstein(DriftStatistics.wasserstein(refSketch, curSketch), sampleStd(ref)))
                    .as(name + " wasserstein / std").isCloseTo(c.get("wassersteinNormalized").asDouble(), within(0.05));
        }
    }

    static double sampleStd(double[] x) {
        double mean = 0;
        for (double v : x) {
            mean += v;
        }
        mean /= x.length;
        double ss = 0;
        for (double v : x) {
            ss += (v - mean) * (v - mean);
        }
        return Math.sqrt(ss / (x.length - 1));
    }

    static long[] longs(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).mapToLong(JsonNode::asLong).toArray();
    }

    static double[] doubles(JsonNode array) {
        List<Double> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asDouble()));
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    @Test
    void aSampleWithNaNIsRefusedInsteadOfLoopingForever() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DriftStatistics.ksStatistic(new double[] {1, 2, Double.NaN}, new double[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
    }
}
