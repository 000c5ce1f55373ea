package dev.nightshift.drift;

import org.junit.jupiter.api.Test;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link RepeatedHashes} against the definition (sort, then equal neighbours), and the hashes kept by reducer ({@link HashBlocks}). */
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
    void blocksByReducerHoldEveryValueOfTheirReducerInItsOrderAndNoneIsLarge() {
        Random r = new Random(11);
        // more than two blocks' worth for the one reducer, so that blocks fill, double and start over
        long[] values = LongStream.generate(r::nextLong).limit(3 * HashBlocks.BLOCK + 123).toArray();
        for (int reducers : new int[] {1, 2, 3, 8, 200}) {
            HashBlocks blocks = HashBlocks.byReducer(reducers);
            Arrays.stream(values).forEach(blocks::add);
            List<Tuple2<Integer, Object>> out = new ArrayList<>();
            blocks.emit(out);
            for (int k = 0; k < reducers; k++) {
                int reducer = k;
                long[] expected = Arrays.stream(values).filter(v -> OnePass.bucket(v, reducers) == reducer).toArray();
                List<long[]> sent = out.stream().filter(t -> t._1() == reducer).map(t -> (long[]) t._2()).toList();
                assertThat(sent).as("%d reducers: reducer %d", reducers, k).allSatisfy(b -> assertThat(b.length).isBetween(1, HashBlocks.BLOCK));
                assertThat(sent.stream().flatMapToLong(Arrays::stream).toArray()).as("%d reducers: reducer %d", reducers, k)
                        .containsExactly(expected);
            }
        }
    }

    @Test
    void repeatedOverBlocksIsTheDefinitionAlsoWhenSplitIntoGroups() {
        Random r = new Random(13);
        for (int n : new int[] {0, 1, 2, 1_000, RepeatedHashes.GROUP, RepeatedHashes.GROUP + 1, 300_000}) {
            long[] values = new long[n];
            for (int i = 0; i < n; i++) {
                values[i] = i > 0 && r.nextInt(50) == 0 ? values[r.nextInt(i)] : r.nextLong();
            }
            if (n > 1_000) {
                // an id on a tenth of the rows: its group is as large as that
                for (int i = 0; i < n / 10; i++) {
                    values[r.nextInt(n)] = 0x0123_4567_89ab_cdefL;
                }
            }
            // the values in blocks of uneven sizes, as they arrive from the tasks
            List<long[]> blocks = new ArrayList<>();
            for (int at = 0; at < n; ) {
                int size = Math.min(n - at, 1 + r.nextInt(40_000));
                blocks.add(Arrays.copyOfRange(values, at, at + size));
                at += size;
            }
            assertThat(RepeatedHashes.repeated(blocks)).as("%d values", n).containsExactly(definition(values, n));
        }
    }

    private static long[] definition(long[] values, int n) {
        long[] sorted = Arrays.copyOf(values, n);
        Arrays.sort(sorted);
        return LongStream.range(1, n).filter(i -> sorted[(int) i] == sorted[(int) i - 1]).map(i -> sorted[(int) i]).distinct().toArray();
    }
}
