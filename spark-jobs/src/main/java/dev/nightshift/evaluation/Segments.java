package dev.nightshift.evaluation;

import dev.nightshift.contract.Columns;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;

/**
 * Segments of the rows metrics are computed on ({@code monitoring.segments}: categorical columns of the input). Each
 * row is in one segment value of every segment column, so a row is copied once per segment column; a null value,
 * or a prediction whose input row is not found, is in the value {@link #NULL_VALUE}.
 */
public final class Segments {

    public static final String SEGMENT = "segment";
    public static final String SEGMENT_VALUE = "segment_value";
    public static final String NULL_VALUE = "(null)";
    private static final String PAIR = "__ns_segment";

    private Segments() {
    }

    /**
     * {@code input}: raw input rows of the evaluated dates (with {@link Columns#BUSINESS_DATE}). Returns one row per
     * (entity id, business date) with the segment columns as strings; when an id appears more than once on a date,
     * one of its rows is taken.
     */
    public static Dataset<Row> values(Dataset<Row> input, String idColumn, List<String> segments) {
        List<Column> cols = new ArrayList<>();
        cols.add(col(idColumn).cast("string").as(Columns.ENTITY_ID));
        cols.add(col(Columns.BUSINESS_DATE));
        for (String s : segments) {
            cols.add(col(s).cast("string").as(s));
        }
        return input.select(cols.toArray(Column[]::new)).dropDuplicates(Columns.ENTITY_ID, Columns.BUSINESS_DATE);
    }

    /**
     * {@code labelled}: labelled prediction rows; {@code values}: the output of {@link #values}. Returns every row of
     * {@code labelled} once, with each segment column's value (a string; {@link #NULL_VALUE} when null or when the
     * prediction's input row is not found) after its own columns.
     */
    public static Dataset<Row> attach(Dataset<Row> labelled, Dataset<Row> values, List<String> segments) {
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("no segment columns");
        }
        Dataset<Row> joined = labelled.join(values, new String[] {Columns.ENTITY_ID, Columns.BUSINESS_DATE}, "left");
        List<Column> out = new ArrayList<>();
        for (String c : labelled.columns()) {
            out.add(col(c));
        }
        for (String s : segments) {
            out.add(coalesce(col(s), lit(NULL_VALUE)).as(s));
        }
        return joined.select(out.toArray(Column[]::new));
    }

    /**
     * {@code labelled}: labelled prediction rows; {@code values}: the output of {@link #values}. Returns every row of
     * {@code labelled} once per segment column, with {@link #SEGMENT} (the column) and {@link #SEGMENT_VALUE}.
     */
    public static Dataset<Row> explode(Dataset<Row> labelled, Dataset<Row> values, List<String> segments) {
        Dataset<Row> attached = attach(labelled, values, segments);
        Column[] pairs = segments.stream()
                .map(s -> struct(lit(s).as(SEGMENT), col(s).as(SEGMENT_VALUE)))
                .toArray(Column[]::new);
        List<Column> out = new ArrayList<>();
        for (String c : labelled.columns()) {
            out.add(col(c));
        }
        out.add(col(PAIR + "." + SEGMENT).as(SEGMENT));
        out.add(col(PAIR + "." + SEGMENT_VALUE).as(SEGMENT_VALUE));
        return attached.withColumn(PAIR, org.apache.spark.sql.functions.explode(array(pairs))).select(out.toArray(Column[]::new));
    }
}
