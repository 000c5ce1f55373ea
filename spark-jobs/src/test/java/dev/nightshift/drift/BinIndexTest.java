package dev.nightshift.drift;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link OnePass.BinIndex} gives {@link OnePass#bin}'s count (the definition, a scan of every edge) for every value. */
class BinIndexTest {

    @Test
    void givesTheScansBinOnHandPickedEdges() {
        double[][] edgeSets = {
                {}, {0.0}, {-0.0}, {1, 2, 3}, {3, 1, 2}, {1, 1, 1, 2}, {5, 5}, {-1e308, 1e308}, {Double.MIN_VALUE, 2 * Double.MIN_VALUE},
                {Double.NEGATIVE_INFINITY, 0, Double.POSITIVE_INFINITY}, {Double.NaN, 1, 2}, {0, 1e-300, 1e300}, {1, Math.nextUp(1.0)},
        };
        for (double[] edges : edgeSets) {
            OnePass.BinIndex index = new OnePass.BinIndex(edges);
            for (double x : probes(edges, new Random(1))) {
                assertThat(index.of(x)).as("x = %s, edges %s", x, java.util.Arrays.toString(edges)).isEqualTo(OnePass.bin(x, edges));
            }
        }
        // the cases written out: bin 0 is x <= 1, bin 1 is 1 < x <= 2, ..., bin 3 is x > 3
        OnePass.BinIndex index = new OnePass.BinIndex(new double[] {1, 2, 3});
        assertThat(List.of(index.of(1.0), index.of(Math.nextUp(1.0)), index.of(2.0), index.of(3.0), index.of(3.5))).containsExactly(0, 1, 1, 2, 3);
    }

    @Test
    void givesTheScansBinOnRandomEdges() {
        Random random = new Random(42);
        for (int round = 0; round < 300; round++) {
            int m = random.nextInt(40);
            double[] edges = new double[m];
            double spread = Math.pow(10, random.nextInt(30) - 15);
            for (int k = 0; k < m; k++) {
                // quantile-like edges, some repeated, some clustered tighter than a cell
                edges[k] = k > 0 && random.nextInt(5) == 0 ? edges[k - 1]
                        : random.nextInt(7) == 0 ? edges[Math.max(0, k - 1)] + spread * 1e-9 : random.nextGaussian() * spread;
            }
            OnePass.BinIndex index = new OnePass.BinIndex(edges);
            for (double x : probes(edges, random)) {
                if (index.of(x) != OnePass.bin(x, edges)) {
                    assertThat(index.of(x)).as("x = %s, edges %s", x, java.util.Arrays.toString(edges)).isEqualTo(OnePass.bin(x, edges));
                }
            }
        }
    }

    /** Every edge and its neighbours, ±0, ±∞, the extremes, and values spread over and beyond the edges' range. */
    private static List<Double> probes(double[] edges, Random random) {
        List<Double> xs = new ArrayList<>(List.of(0.0, -0.0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.MAX_VALUE,
                -Double.MAX_VALUE, Double.MIN_VALUE, -Double.MIN_VALUE));
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double e : edges) {
            xs.add(e);
            xs.add(Math.nextUp(e));
            xs.add(Math.nextDown(e));
            if (Double.isFinite(e)) {
                lo = Math.min(lo, e);
                hi = Math.max(hi, e);
            }
        }
        if (lo <= hi) {
            for (int i = 0; i < 2000; i++) {
                xs.add(lo + (hi - lo) * (random.nextDouble() * 1.2 - 0.1));
            }
        }
        return xs;
    }
}
