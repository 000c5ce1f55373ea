package dev.nightshift.evaluation;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The passes' branch-free weight ({@link Bootstrap#poissonWeight}) draws the same Poisson(1) weight as the definition's
 * inverse distribution function ({@link Bootstrap#poisson1(org.apache.spark.sql.Column)}, written out in Java below) for
 * every hash: at and beside each limit, at both ends of the range, and on random hashes.
 */
class PoissonWeightTest {

    private static final double[] CDF = Bootstrap.poissonThresholds();
    private static final long[] LIMITS = Bootstrap.poissonLimits();

    /** The definition's weight for {@code hash}: u from its top 53 bits, the first k with u below the distribution function. */
    private static double poisson1(long hash, double[] cdf) {
        double u = (double) (hash >>> 11) / 0x1p53;
        for (int k = 0; k < cdf.length; k++) {
            if (u < cdf[k]) {
                return k;
            }
        }
        return Bootstrap.MAX_WEIGHT;
    }

    @Test
    void theWeightChangesExactlyWhereTheDistributionFunctionIsReached() {
        assertThat(LIMITS).hasSize(Bootstrap.MAX_WEIGHT);
        for (int k = 0; k < LIMITS.length; k++) {
            for (long x : new long[] {LIMITS[k] - 2, LIMITS[k] - 1, LIMITS[k], LIMITS[k] + 1}) {
                for (long low : new long[] {0L, 0x7FFL}) {   // the 11 bits below the 53 the draw uses
                    long hash = (x << 11) | low;
                    assertThat(Bootstrap.poissonWeight(hash, LIMITS)).as("limit %d, x %d", k, x)
                            .isEqualTo((int) poisson1(hash, CDF));
                }
            }
            // just below the limit the weight is still k, at it k + 1
            assertThat(Bootstrap.poissonWeight((LIMITS[k] - 1) << 11, LIMITS)).isEqualTo(k);
            assertThat(Bootstrap.poissonWeight(LIMITS[k] << 11, LIMITS)).isEqualTo(k + 1);
        }
        assertThat(Bootstrap.poissonWeight(0L, LIMITS)).isZero();
        assertThat(Bootstrap.poissonWeight(-1L, LIMITS)).isEqualTo(Bootstrap.MAX_WEIGHT);   // all 64 bits set: u just below 1
        assertThat(poisson1(-1L, CDF)).isEqualTo(Bootstrap.MAX_WEIGHT);
    }

    @Test
    void randomHashesDrawTheSameWeights() {
        SplittableRandom random = new SplittableRandom(17);
        int[] counts = new int[Bootstrap.MAX_WEIGHT + 1];
        long differing = 0;
        for (int i = 0; i < 2_000_000; i++) {
            long hash = random.nextLong();
            int w = Bootstrap.poissonWeight(hash, LIMITS);
            if (w != (int) poisson1(hash, CDF)) {
                differing++;
            }
            counts[w]++;
        }
        assertThat(differing).isZero();
        // Poisson(1): P(0) = P(1) = e^-1, P(4 or more) = 1.9%, so the branch-free part and the rare tail both ran
        assertThat(counts[0] / 2e6).isCloseTo(Math.exp(-1), within(0.002));
        assertThat(counts[1] / 2e6).isCloseTo(Math.exp(-1), within(0.002));
        assertThat(counts[4] + counts[5] + counts[6]).isGreaterThan(30_000);
    }
}
