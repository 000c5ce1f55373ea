package dev.nightshift.drift;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link RepeatedHashes} against the definition (sort, then equal neighbours), and the split by reducer. */
class RepeatedHashesTest {

    @Test
    void repeatedValuesAreThoseTheSortedArrayHasSideBySide() {
        Random r = new Random(7);
        for (int round = 0; round < 200; round++) {
            int n = r.nextInt(5_000);
            long[] values = new long[n + 8];
            for (int i = 0; i < n; i++) {
                // random hashes, some drawn again, some from a handful of small or extreme values
                values[i] = i > 0 && r.nextInt(20) == 0 ? values[r.nextInt(i)]
                        : r.nextInt(50) == 0 ? new long[] {0, -1, 1, Long.MIN_VALUE, Long.MAX_VALUE}[r.nextInt(5)] : r.nextLong();
            }
            Arrays.fill(values, n, values.length, 42L); // beyond count: not counted
            assertThat(RepeatedHashes.repeated(values, n)).as("round %d, %d values", round, n).containsExactly(definition(values, n));
        }
    }

    @Test
    void oneValueOnManyRowsAndTheSmallestInputs() {
        long[] same = new long[100_000];
        Arrays.fill(same, 0x1234_5678_9abc_def0L);
        same[500] = 3;
        assertThat(RepeatedHashes.repeated(same, same.length)).containsExactly(0x1234_5678_9abc_def0L);
        assertThat(RepeatedHashes.repeated(new long[0], 0)).isEmpty();
        assertThat(RepeatedHashes.repeated(new long[] {5}, 1)).isEmpty();
        assertThat(RepeatedHashes.repeated(new long[] {5, 5}, 2)).containsExactly(5);
        assertThat(RepeatedHashes.repeated(new long[] {5, 6, 5, 6, 6}, 5)).containsExactly(5, 6);
    }

    @Test
    void theSplitSendsEveryValueToItsReducerInItsOrder() {
        Random r = new Random(11);
        long[] values = LongStream.generate(r::nextLong).limit(10_000).toArray();
        for (int reducers : new int[] {1, 2, 3, 8, 200}) {
            long[][] split = RepeatedHashes.split(values, 9_000, reducers);
            assertThat(split.length).isEqualTo(reducers);
            assertThat(Arrays.stream(split).mapToInt(s -> s.length).sum()).isEqualTo(9_000);
            for (int k = 0; k < reducers; k++) {
                int reducer = k;
                long[] expected = Arrays.stream(values, 0, 9_000).filter(v -> OnePass.bucket(v, reducers) == reducer).toArray();
                assertThat(split[k]).containsExactly(expected);
            }
        }
    }

    private static long[] definition(long[] values, int n) {
        long[] sorted = Arrays.copyOf(values, n);
        Arrays.sort(sorted);
        return LongStream.range(1, n).filter(i -> sorted[(int) i] == sorted[(int) i - 1]).map(i -> sorted[(int) i]).distinct().toArray();
    }
}
