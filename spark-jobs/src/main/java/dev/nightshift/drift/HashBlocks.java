package dev.nightshift.drift;

import scala.Tuple2;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongToIntFunction;

/**
 * Hashes kept by part as they are added (a task's id hashes by the reducer they go to, {@link #byReducer}; a
 * reducer's by group, in {@link RepeatedHashes#repeated(List)}), in blocks of at most {@link #BLOCK} values. A task
 * used to keep its id hashes in one array grown by doubling and split it by reducer at the end: a JFR recording of the
 * profiling benchmark counted 1.7 GB of those arrays allocated outside TLABs, 6 MB each on average, which G1 allocates
 * as humongous objects (half a region or more; its regions are 1 to 32 MB). A block is under half of its smallest
 * region.
 */
final class HashBlocks {

    /** The most values a block holds: 256 KB of longs. */
    static final int BLOCK = 1 << 15;
    private static final int FIRST = 1 << 8;

    private final int parts;
    private final LongToIntFunction partOf;
    private final List<List<long[]>> full;
    private final long[][] current;
    private final int[] filled;

    /** {@code partOf} gives a hash's part, from 0 to {@code parts - 1}. */
    HashBlocks(int parts, LongToIntFunction partOf) {
        this.parts = parts;
        this.partOf = partOf;
        full = new ArrayList<>(parts);
        current = new long[parts][];
        filled = new int[parts];
        for (int p = 0; p < parts; p++) {
            full.add(new ArrayList<>());
            current[p] = new long[FIRST];
        }
    }

    /** A task's id hashes, by the reducer of their range ({@link OnePass#bucket}). */
    static HashBlocks byReducer(int reducers) {
        return new HashBlocks(reducers, h -> OnePass.bucket(h, reducers));
    }

    void add(long hash) {
        int p = partOf.applyAsInt(hash);
        if (filled[p] == current[p].length) {
            next(p);
        }
        current[p][filled[p]++] = hash;
    }

    /** Room for one more value of part {@code p}: its block doubled while under {@link #BLOCK}, then a new block. */
    private void next(int p) {
        if (current[p].length < BLOCK) {
            current[p] = Arrays.copyOf(current[p], current[p].length * 2);
        } else {
            full.get(p).add(current[p]);
            current[p] = new long[BLOCK];
            filled[p] = 0;
        }
    }

    /** Every part's blocks, in the order their values were added, the last one trimmed (a part without values: none). */
    List<List<long[]>> blocks() {
        List<List<long[]>> out = new ArrayList<>(parts);
        for (int p = 0; p < parts; p++) {
            List<long[]> blocks = new ArrayList<>(full.get(p));
            if (filled[p] > 0) {
                blocks.add(Arrays.copyOf(current[p], filled[p]));
            }
            out.add(blocks);
        }
        return out;
    }

    /** Adds to {@code out} every part's blocks as (part, block): what a task sends to the reducers. */
    void emit(List<Tuple2<Integer, Object>> out) {
        List<List<long[]>> blocks = blocks();
        for (int p = 0; p < parts; p++) {
            for (long[] block : blocks.get(p)) {
                out.add(new Tuple2<>(p, block));
            }
        }
    }
}
