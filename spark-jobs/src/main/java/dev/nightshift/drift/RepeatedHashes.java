package dev.nightshift.drift;

import java.util.Arrays;
import java.util.List;

/**
 * Finding the 64-bit id hashes that occur more than once, without sorting them: a night's hashes are spread evenly
 * over the 64 bits (they are {@code xxhash64} values), so a counting pass on some of their bits splits them into
 * buckets of a few values each, and repeats can only be within a bucket. Two linear passes and small buckets in
 * place of {@code Arrays.sort} of every hash, twice, which a JFR profile of the pass showed as a fifth of its samples;
 * a bucket is sorted only when it has a repeat.
 */
final class RepeatedHashes {

    /** About this many hashes a bucket, on average, in {@link #repeated}. */
    private static final int PER_BUCKET = 4;
    /** At most about this many values go through {@link #repeated(long[], int)} at once (128 KB of longs). */
    static final int GROUP = 1 << 14;
    /** The most groups: eight bits of the hash, from bit {@link #GROUP_SHIFT} up. */
    private static final int GROUP_BITS = 8;
    private static final int GROUP_SHIFT = 24;

    private RepeatedHashes() {
    }

    /**
     * The distinct values that occur more than once in {@code blocks} (together), ascending. More than
     * {@link #GROUP} values are first split into groups by eight bits from the middle of the hash (the reducers split
     * by the high ones, {@link #repeated(long[], int)} by the low ones), kept in {@link HashBlocks}, so
     * that no array here is as large as a reducer's range: a night of 5 million ids gave each of 8 reducers (the jobs'
     * {@code spark.sql.shuffle.partitions}) two arrays of 5 MB, the hashes put together and grouped by bucket, which
     * G1 allocates as humongous objects.
     */
    static long[] repeated(List<long[]> blocks) {
        long count = 0;
        for (long[] b : blocks) {
            count += b.length;
        }
        if (count <= GROUP) {
            return repeated(concat(blocks, (int) count), (int) count);
        }
        int groups = (int) Math.min(1 << GROUP_BITS, Long.highestOneBit(count / GROUP) * 2);
        HashBlocks byGroup = new HashBlocks(groups, v -> (int) (v >>> GROUP_SHIFT) & (groups - 1));
        for (long[] b : blocks) {
            for (long v : b) {
                byGroup.add(v);
            }
        }
        List<List<long[]>> split = byGroup.blocks();
        long[][] found = new long[groups][];
        int total = 0;
        for (int g = 0; g < groups; g++) {
            List<long[]> group = split.get(g);
            int size = group.stream().mapToInt(b -> b.length).sum();
            found[g] = repeated(concat(group, size), size);
            total += found[g].length;
        }
        long[] result = new long[total];
        int at = 0;
        for (long[] f : found) {
            System.arraycopy(f, 0, result, at, f.length);
            at += f.length;
        }
        Arrays.sort(result);
        return result;
    }

    private static long[] concat(List<long[]> blocks, int count) {
        long[] all = new long[count];
        int at = 0;
        for (long[] b : blocks) {
            System.arraycopy(b, 0, all, at, b.length);
            at += b.length;
        }
        return all;
    }

    /** The distinct values that occur more than once among the first {@code count} of {@code values}, ascending. */
    static long[] repeated(long[] values, int count) {
        if (count < 2) {
            return new long[0];
        }
        // Buckets by the low bits (the reducers split by the high ones, so these still vary within a reducer's range).
        int buckets = Integer.highestOneBit(Math.max(1, count / PER_BUCKET));
        int mask = buckets - 1;
        int[] start = new int[buckets + 1];
        for (int i = 0; i < count; i++) {
            start[((int) values[i] & mask) + 1]++;
        }
        for (int b = 0; b < buckets; b++) {
            start[b + 1] += start[b];
        }
        long[] grouped = new long[count];
        int[] at = Arrays.copyOf(start, buckets);
        for (int i = 0; i < count; i++) {
            grouped[at[(int) values[i] & mask]++] = values[i];
        }
        long[] repeated = new long[4];
        int n = 0;
        for (int b = 0; b < buckets; b++) {
            int from = start[b];
            int to = start[b + 1];
            // a bucket of a few values: is any value in it twice? Every pair compared, without a branch (most buckets
            // have no repeat, and an insertion sort's branches went either way at random: most of this method's samples
            // in a JFR profile); a large bucket (an id on many rows puts all its rows in one) is sorted straight away
            if (to - from < 2 || to - from <= 4 * PER_BUCKET && !anyTwice(grouped, from, to)) {
                continue;
            }
            Arrays.sort(grouped, from, to);
            for (int i = from + 1; i < to; i++) {
                if (grouped[i] == grouped[i - 1] && (i == from + 1 || grouped[i - 1] != grouped[i - 2])) {
                    if (n == repeated.length) {
                        repeated = Arrays.copyOf(repeated, n * 2);
                    }
                    repeated[n++] = grouped[i];
                }
            }
        }
        long[] result = Arrays.copyOf(repeated, n);
        Arrays.sort(result);
        return result;
    }

    /** Whether a value occurs more than once in {@code values[from, to)}. */
    private static boolean anyTwice(long[] values, int from, int to) {
        boolean twice = false;
        for (int i = from; i < to; i++) {
            long v = values[i];
            for (int j = i + 1; j < to; j++) {
                twice |= values[j] == v;
            }
        }
        return twice;
    }
}
