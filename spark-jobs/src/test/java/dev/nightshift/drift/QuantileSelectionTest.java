package dev.nightshift.drift;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;
import java.util.function.IntToDoubleFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@link QuantileSketch#selectedQuantiles} gives the sort's quantiles ({@link QuantileSketch#exactQuantiles}, the
 * definition) for every input, compared with {@link Double#compare} (so −0.0 and 0.0 differ), and leaves its input as
 * it was.
 */
class QuantileSelectionTest {

    @Test
    void picksTheDefinitionsRanksInAHandComputedCase() {
        // ten values shuffled: the quantile at p is the ceil(10 p)-th smallest; p = 0 and 0.01 both the smallest
        double[] values = {7, 3, 10, 1, 9, 2, 8, 5, 4, 6};
        double[] q = QuantileSketch.selectedQuantiles(values.clone(), values.length);
        assertThat(q).hasSize(QuantileSketch.POINTS);
        assertThat(new double[] {q[0], q[1], q[10], q[11], q[50], q[51], q[99], q[100]}).containsExactly(1, 1, 1, 2, 5, 6, 10, 10);
    }

    @Test
    void matchesTheSortOnShapesThatTroubleQuickselect() {
        Random random = new Random(7);
        int[] sizes = {1, 2, 3, 47, 48, 49, 100, 101, 1_000, 4_099, 65_536, 200_000};
        IntToDoubleFunction[] shapes = {
                i -> i,                                  // sorted
                i -> -i,                                 // reversed
                i -> Math.min(i, 1_000_000 - i) % 5_000, // organ pipe, repeated
                i -> 3.0,                                // all equal
                i -> i % 2,                              // two values
                i -> i % 37,                             // sawtooth
                i -> random.nextGaussian(),
                i -> random.nextInt(4) - 1.5,            // a few values, many repeats
                i -> Math.pow(10, random.nextInt(600) - 300) * (random.nextBoolean() ? 1 : -1),
        };
        for (int size : sizes) {
            for (int s = 0; s < shapes.length; s++) {
                double[] values = new double[size];
                for (int i = 0; i < size; i++) {
                    values[i] = shapes[s].applyAsDouble(i);
                }
                assertSameAsSort(values, size, "shape " + s + ", " + size + " values");
            }
        }
    }

    @Test
    void ordersSignedZerosInfinitiesAndNaNAsTheSortDoes() {
        Random random = new Random(11);
        double[] specials = {0.0, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, Double.MIN_VALUE,
                -Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, 1.0, -1.0};
        for (int round = 0; round < 400; round++) {
            int size = 1 + random.nextInt(round < 200 ? 150 : 3_000);
            double[] values = new double[size];
            for (int i = 0; i < size; i++) {
                values[i] = random.nextInt(3) == 0 ? random.nextGaussian() : specials[random.nextInt(specials.length)];
            }
            assertSameAsSort(values, size, "round " + round);
        }
    }

    @Test
    void readsOnlyTheFirstSizeValuesAndLeavesThemAsTheyWere() {
        double[] values = {5, 1, 4, 2, 3, -100, 100};
        double[] before = values.clone();
        double[] q = QuantileSketch.selectedQuantiles(values, 5);
        assertThat(q).containsExactly(QuantileSketch.exactQuantiles(new double[] {5, 1, 4, 2, 3}));
        assertThat(values).containsExactly(before);
        assertThatThrownBy(() -> QuantileSketch.selectedQuantiles(values, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected 1 to 7 values, got 0");
    }

    private static void assertSameAsSort(double[] values, int size, String what) {
        double[] expected = QuantileSketch.exactQuantiles(Arrays.copyOf(values, size));
        double[] actual = QuantileSketch.selectedQuantiles(values, size);
        for (int i = 0; i < QuantileSketch.POINTS; i++) {
            if (Double.compare(actual[i], expected[i]) != 0) {
                fail("%s: point %d is %s, the sort's is %s", what, i, actual[i], expected[i]);
            }
        }
    }
}
