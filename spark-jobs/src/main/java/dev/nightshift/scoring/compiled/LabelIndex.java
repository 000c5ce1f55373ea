package dev.nightshift.scoring.compiled;

import dev.nightshift.spark.Utf8Index;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.objects.Invoke;
import org.apache.spark.sql.classic.ExpressionUtils;
import org.apache.spark.sql.types.AbstractDataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.ObjectType;
import org.apache.spark.unsafe.types.UTF8String;
import scala.jdk.javaapi.CollectionConverters;

import java.io.Serializable;
import java.util.List;

/**
 * A fitted {@code StringIndexer}'s labels as a hash table ({@link Utf8Index}), looked up once per row from Spark's
 * generated code: {@link #column} is {@code invoke(index.of(value))}. The first design wrote the lookup as
 * {@code CASE WHEN value = label0 THEN 0 WHEN value = label1 THEN 1 ...}, one string comparison per label until the
 * value's: in a JFR profile of compiled logistic regression over the scoring benchmark's 5- and 30-label columns, a
 * fifth of the samples were those comparisons ({@code ByteArrayMethods.arrayEquals}). (With every value hashed and
 * compared as bytes, one comparison a row was still 7% of a second profile's samples: hence the table's 8-byte path.)
 *
 * <p>The answer is the CASE form's: a label's position in {@code labels} (the first position, were a label repeated;
 * a fitted indexer's labels are distinct, and then this is MLlib's answer), and {@code invalid} for null and for every
 * value that is no label. Values are compared as UTF-8 bytes, as Spark's string equality compares them.
 */
public final class LabelIndex implements Serializable {

    private static final long serialVersionUID = 2L;

    private final Utf8Index labels;
    private final double invalid;

    LabelIndex(String[] labels, double invalid) {
        this.labels = new Utf8Index(labels);
        this.invalid = invalid;
    }

    /** The position of {@code value} among the labels, or the invalid value for null and unknown values. Called by generated code. */
    public double of(UTF8String value) {
        int k = labels.indexOf(value);
        return k < 0 ? invalid : k;
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
        return "string-indexer(" + labels.size() + " labels)";
    }
}
