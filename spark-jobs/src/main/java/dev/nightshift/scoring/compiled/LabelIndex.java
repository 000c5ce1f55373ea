package dev.nightshift.scoring.compiled;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.objects.Invoke;
import org.apache.spark.sql.classic.ExpressionUtils;
import org.apache.spark.sql.types.AbstractDataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.ObjectType;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;
import scala.jdk.javaapi.CollectionConverters;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * A fitted {@code StringIndexer}'s labels as a hash table, looked up once per row from Spark's generated code:
 * {@link #column} is {@code invoke(index.of(value))}. The first design wrote the lookup as
 * {@code CASE WHEN value = label0 THEN 0 WHEN value = label1 THEN 1 ...}, one string comparison per label until the
 * value's: in a JFR profile of compiled logistic regression over the scoring benchmark's 5- and 30-label columns, a
 * fifth of the samples were those comparisons ({@code ByteArrayMethods.arrayEquals}). Here a value of at most 8 bytes
 * (most categories) is read into a long and looked up by a multiplicative hash of it, comparing longs; a longer value
 * costs its hash ({@link UTF8String#hashCode}, Murmur3 of its bytes) and, when it is a label, one comparison of bytes.
 * (With every value on the second path, one comparison of bytes a row was still 7% of a second profile's samples.)
 *
 * <p>The answer is the CASE form's: a label's position in {@code labels} (the first position, were a label repeated;
 * a fitted indexer's labels are distinct, and then this is MLlib's answer), and {@code invalid} for null and for every
 * value that is no label. Values are compared as UTF-8 bytes, as Spark's string equality compares them.
 */
public final class LabelIndex implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String[] labels;
    private final double invalid;
    /**
     * Labels of at most 8 UTF-8 bytes (categories mostly are), open addressing in a power of two at least twice their
     * number: the label's bytes packed into a long (little-endian), its length (-1: empty slot) and its position.
     */
    private transient long[] shortKeys;
    private transient int[] shortLengths;
    private transient double[] shortPositions;
    private transient int shortBits;
    /** Longer labels, open addressing likewise: the label in a slot (null: empty) and its position. */
    private transient UTF8String[] keys;
    private transient double[] positions;
    private transient int mask;

    LabelIndex(String[] labels, double invalid) {
        this.labels = labels.clone();
        this.invalid = invalid;
        build();
    }

    private void build() {
        int size = Integer.highestOneBit(Math.max(1, labels.length) * 2) * 2;
        shortBits = Integer.numberOfTrailingZeros(size);
        shortKeys = new long[size];
        shortLengths = new int[size];
        shortPositions = new double[size];
        Arrays.fill(shortLengths, -1);
        keys = new UTF8String[size];
        positions = new double[size];
        mask = size - 1;
        for (int k = 0; k < labels.length; k++) {
            UTF8String label = UTF8String.fromString(labels[k]);
            int n = label.numBytes();
            if (n <= Long.BYTES) {
                long packed = packed(label, n);
                int i = shortSlot(packed);
                while (shortLengths[i] >= 0 && !(shortLengths[i] == n && shortKeys[i] == packed)) {
                    i = (i + 1) & mask;
                }
                if (shortLengths[i] < 0) {   // a repeated label keeps its first position
                    shortKeys[i] = packed;
                    shortLengths[i] = n;
                    shortPositions[i] = k;
                }
            } else {
                int i = slot(label);
                while (keys[i] != null && !keys[i].equals(label)) {
                    i = (i + 1) & mask;
                }
                if (keys[i] == null) {
                    keys[i] = label;
                    positions[i] = k;
                }
            }
        }
    }

    /** The {@code n <= 8} bytes of {@code s}, the first in the lowest byte. */
    private static long packed(UTF8String s, int n) {
        Object base = s.getBaseObject();
        long offset = s.getBaseOffset();
        long packed = 0;
        for (int b = 0; b < n; b++) {
            packed |= (Platform.getByte(base, offset + b) & 0xFFL) << (8 * b);
        }
        return packed;
    }

    /** A slot by the bytes alone: values that differ only in trailing NUL bytes share it and differ in length. */
    private int shortSlot(long packed) {
        return (int) ((packed * 0x9E3779B97F4A7C15L) >>> (64 - shortBits));
    }

    private int slot(UTF8String s) {
        int h = s.hashCode();
        return (h ^ (h >>> 16)) & mask;
    }

    /** The position of {@code value} among the labels, or the invalid value for null and unknown values. Called by generated code. */
    public double of(UTF8String value) {
        if (value == null) {
            return invalid;
        }
        int n = value.numBytes();
        if (n <= Long.BYTES) {
            long packed = packed(value, n);
            for (int i = shortSlot(packed); ; i = (i + 1) & mask) {
                int length = shortLengths[i];
                if (length < 0) {
                    return invalid;
                }
                if (length == n && shortKeys[i] == packed) {
                    return shortPositions[i];
                }
            }
        }
        for (int i = slot(value); ; i = (i + 1) & mask) {
            UTF8String key = keys[i];
            if (key == null) {
                return invalid;
            }
            if (key.equals(value)) {
                return positions[i];
            }
        }
    }

    /** {@code value} (a string column) looked up in this index, as a non-null double column. */
    Column column(Column value) {
        Expression call = new Invoke(new Literal(this, new ObjectType(LabelIndex.class)), "of", DataTypes.DoubleType,
                CollectionConverters.asScala(List.of(ExpressionUtils.expression(value))).toList(),
                CollectionConverters.asScala(List.<AbstractDataType>of()).toList(), false, false, true);
        return ExpressionUtils.column(call);
    }

    /** How plans show the index ({@code explain}, the Spark UI). */
    @Override
    public String toString() {
        return "string-indexer(" + labels.length + " labels)";
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        build();
    }
}
