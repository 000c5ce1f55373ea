package dev.nightshift.drift;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The pure parts of {@link OnePass}: the bin of a value, the reducer of a hash (the category lookup is {@code Utf8IndexTest}'s). */
class OnePassTest {

    @Test
    void aValueFallsInTheBinProfilingBinIndexGivesIt() {
        // edges 1, 2, 3: bin 0 is x <= 1, bin 1 is 1 < x <= 2, ..., bin 3 is x > 3
        double[] edges = {1, 2, 3};
        assertThat(OnePass.bin(Double.NEGATIVE_INFINITY, edges)).isZero();
        assertThat(OnePass.bin(1.0, edges)).isZero();
        assertThat(OnePass.bin(Math.nextUp(1.0), edges)).isEqualTo(1);
        assertThat(OnePass.bin(2.0, edges)).isEqualTo(1);
        assertThat(OnePass.bin(3.0, edges)).isEqualTo(2);
        assertThat(OnePass.bin(3.5, edges)).isEqualTo(3);
        assertThat(OnePass.bin(-0.0, new double[] {0.0})).isZero();
        assertThat(OnePass.bin(5.0, new double[0])).isZero();
    }

    @Test
    void theReducerOfAHashGrowsWithTheHashAndCoversEveryReducer() {
        Random random = new Random(7);
        long[] hashes = random.longs(100_000).sorted().toArray();
        int previous = 0;
        boolean[] seen = new boolean[8];
        for (long h : hashes) {
            int b = OnePass.bucket(h, 8);
            assertThat(b).isBetween(previous, 7);
            seen[b] = true;
            previous = b;
        }
        assertThat(seen).containsOnly(true);
        assertThat(OnePass.bucket(Long.MIN_VALUE, 8)).isZero();
        assertThat(OnePass.bucket(Long.MAX_VALUE, 8)).isEqualTo(7);
    }
}
