package dev.nightshift.spark;

import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.array.ByteArrayMethods;
import org.apache.spark.unsafe.hash.Murmur3_x86_32;
import org.apache.spark.unsafe.types.UTF8String;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A fixed list of strings as a hash table from a string's UTF-8 bytes to its position in the list: a fitted
 * {@code StringIndexer}'s labels in compiled scoring, a feature's reference categories and a contract's allowed ones in
 * the drift pass. Both look a value up once per row (or per dictionary entry), where a {@code HashMap<String, ...>}
 * would decode the bytes to a {@code String} and hash every byte on every call.
 *
 * <p>A string of at most 8 bytes (categories mostly are) is read into a long, the first byte lowest, and found by a
 * multiplicative hash of that long, comparing longs and lengths: no byte comparison. A longer one costs its Murmur3
 * hash (what {@link UTF8String#hashCode} computes) and, when it is in the list, one comparison of bytes.
 *
 * <p>The answer is the string's first position in the list (were a string repeated), or -1 for null and for every
 * string that is not in it. Strings are compared as UTF-8 bytes, as Spark compares strings for equality. The tables are
 * rebuilt after Java serialization, which ships only the list (Spark sends an index in a plan or a task to executors).
 */
public final class Utf8Index implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String[] strings;
    /** Strings of at most 8 bytes, open addressing: the packed bytes, the length (-1: empty slot), the position. */
    private transient long[] shortKeys;
    private transient int[] shortLengths;
    private transient int[] shortPositions;
    private transient int shortBits;
    /** Longer strings, open addressing: the bytes (null: empty slot) and the position. */
    private transient byte[][] longKeys;
    private transient int[] longPositions;

    public Utf8Index(String[] strings) {
        this.strings = strings.clone();
        build();
    }

    /** How many strings the list has (repeats counted). */
    public int size() {
        return strings.length;
    }

    private void build() {
        byte[][] bytes = new byte[strings.length][];
        int longCount = 0;
        for (int k = 0; k < strings.length; k++) {
            bytes[k] = strings[k].getBytes(StandardCharsets.UTF_8);
            longCount += bytes[k].length > Long.BYTES ? 1 : 0;
        }
        int shortSize = tableSize(strings.length - longCount);
        shortBits = Integer.numberOfTrailingZeros(shortSize);
        shortKeys = new long[shortSize];
        shortLengths = new int[shortSize];
        shortPositions = new int[shortSize];
        Arrays.fill(shortLengths, -1);
        longKeys = new byte[tableSize(longCount)][];
        longPositions = new int[longKeys.length];
        for (int k = 0; k < strings.length; k++) {
            byte[] s = bytes[k];
            if (s.length <= Long.BYTES) {
                long packed = packed(s, Platform.BYTE_ARRAY_OFFSET, s.length);
                int i = shortSlot(packed);
                while (shortLengths[i] >= 0 && !(shortLengths[i] == s.length && shortKeys[i] == packed)) {
                    i = (i + 1) & (shortKeys.length - 1);
                }
                if (shortLengths[i] < 0) {   // a repeated string keeps its first position
                    shortKeys[i] = packed;
                    shortLengths[i] = s.length;
                    shortPositions[i] = k;
                }
            } else {
                int i = longSlot(s, Platform.BYTE_ARRAY_OFFSET, s.length);
                while (longKeys[i] != null && !Arrays.equals(longKeys[i], s)) {
                    i = (i + 1) & (longKeys.length - 1);
                }
                if (longKeys[i] == null) {
                    longKeys[i] = s;
                    longPositions[i] = k;
                }
            }
        }
    }

    /** A power of two above twice {@code n} (at least 4): probing always ends at an empty slot, and soon. */
    private static int tableSize(int n) {
        return Integer.highestOneBit(Math.max(1, n) * 2) * 2;
    }

    /** The {@code n <= 8} bytes at {@code offset} of {@code base}, the first in the lowest byte. */
    private static long packed(Object base, long offset, int n) {
        long packed = 0;
        for (int b = 0; b < n; b++) {
            packed |= (Platform.getByte(base, offset + b) & 0xFFL) << (8 * b);
        }
        return packed;
    }

    /** A slot by the bytes alone: strings that differ only in trailing NUL bytes share it and differ in length. */
    private int shortSlot(long packed) {
        return (int) ((packed * 0x9E3779B97F4A7C15L) >>> (64 - shortBits));
    }

    private int longSlot(Object base, long offset, int length) {
        int h = Murmur3_x86_32.hashUnsafeBytes(base, offset, length, 42);
        return (h ^ (h >>> 16)) & (longKeys.length - 1);
    }

    /** The position of {@code value} in the list, or -1 for null and for a string that is not in it. */
    public int indexOf(UTF8String value) {
        return value == null ? -1 : indexOf(value.getBaseObject(), value.getBaseOffset(), value.numBytes());
    }

    /** {@link #indexOf(UTF8String)} of the string in the {@code length} bytes at {@code offset} of {@code base}. */
    public int indexOf(Object base, long offset, int length) {
        if (length <= Long.BYTES) {
            long packed = packed(base, offset, length);
            for (int i = shortSlot(packed); ; i = (i + 1) & (shortKeys.length - 1)) {
                int n = shortLengths[i];
                if (n < 0) {
                    return -1;
                }
                if (n == length && shortKeys[i] == packed) {
                    return shortPositions[i];
                }
            }
        }
        for (int i = longSlot(base, offset, length); ; i = (i + 1) & (longKeys.length - 1)) {
            byte[] key = longKeys[i];
            if (key == null) {
                return -1;
            }
            if (key.length == length && ByteArrayMethods.arrayEquals(key, Platform.BYTE_ARRAY_OFFSET, base, offset, length)) {
                return longPositions[i];
            }
        }
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        build();
    }
}
