package dev.nightshift.drift;

import java.util.Arrays;

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

    private RepeatedHashes() {
    }

    /**
     * The first {@code count} of {@code hashes} split by {@link OnePass#bucket}: element r holds the hashes of reducer
     * r, in their order in {@code hashes}.
     */
    static long[][] split(long[] hashes, int count, int reducers) {
        int[] sizes = new int[reducers];
        for (int i = 0; i < count; i++) {
            sizes[OnePass.bucket(hashes[i], reducers)]++;
        }
        long[][] out = new long[reducers][];
        for (int r = 0; r < reducers; r++) {
            out[r] = new long[sizes[r]];
        }
        int[] at = new int[reducers];
        for (int i = 0; i < count; i++) {
            int r = OnePass.bucket(hashes[i], reducers);
            out[r][at[r]++] = hashes[i];
        }
        return out;
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
