package dev.nightshift.training;

import dev.nightshift.contract.Columns;
import dev.nightshift.contract.Task;
import dev.nightshift.input.InputValidationException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;

import org.apache.spark.sql.Column;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

/** Joins a pipeline's input rows to the labels known in the training window. */
public final class TrainingData {

    private TrainingData() {
    }

    /**
     * Input model frame (entity_id, business_date, features) joined to labels (entity_id, business_date, label),
     * both restricted to the window; only (entity, date) pairs present on both sides survive.
     */
    public static Dataset<Row> labelled(Dataset<Row> inputs, Dataset<Row> labels, TrainingWindow window) {
        return window.select(inputs).join(window.select(labels), new String[] {Columns.ENTITY_ID, Columns.BUSINESS_DATE});
    }

    /**
     * An order-independent digest of the labelled rows: the row count and the exact (decimal) sum of the 64-bit
     * xxhash of every row, hashed with SHA-256. The same rows in any order and partitioning give the same value.
     */
    public static String fingerprint(Dataset<Row> labelled) {
        Column rowHash = org.apache.spark.sql.functions.xxhash64(
                java.util.Arrays.stream(labelled.columns()).sorted().map(org.apache.spark.sql.functions::col).toArray(Column[]::new));
        Row r = labelled.agg(count(lit(1)), sum(rowHash.cast("decimal(38,0)"))).first();
        String digestInput = r.getLong(0) + ":" + (r.isNullAt(1) ? "0" : r.getDecimal(1).toPlainString());
        try {
            byte[] sha = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(digestInput.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "rows=" + r.getLong(0) + ";sha256=" + java.util.HexFormat.of().formatHex(sha);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** Rows and invalid labels of one labelled date. */
    public record DateCount(LocalDate date, long rows, long invalidLabels) {
    }

    /**
     * Per-date row counts (at most trainingWindowDays rows reach the driver). For classification a label other
     * than 0 or 1 counts as invalid.
     */
    public static List<DateCount> countByDate(Dataset<Row> labelled, Task task) {
        Column invalid = task == Task.BINARY_CLASSIFICATION
                ? col(Columns.LABEL).notEqual(0.0).and(col(Columns.LABEL).notEqual(1.0)).cast("long")
                : lit(0L);
        return labelled.groupBy(Columns.BUSINESS_DATE)
                .agg(count(lit(1)), sum(invalid))
                .collectAsList().stream()
                .map(r -> new DateCount(r.getAs(0), r.getLong(1), r.isNullAt(2) ? 0 : r.getLong(2)))
                .sorted(Comparator.comparing(DateCount::date))
                .toList();
    }

    /** Fails with the count and an example if any label is invalid. */
    public static void checkLabels(Dataset<Row> labelled, List<DateCount> counts) {
        long invalid = counts.stream().mapToLong(DateCount::invalidLabels).sum();
        if (invalid > 0) {
            Row r = labelled.where(col(Columns.LABEL).notEqual(0.0).and(col(Columns.LABEL).notEqual(1.0)))
                    .select(Columns.ENTITY_ID, Columns.BUSINESS_DATE, Columns.LABEL).first();
            throw new InputValidationException(invalid + " label(s) are neither 0 nor 1, e.g. " + r.get(2)
                    + " for entity '" + r.get(0) + "' on " + r.get(1) + "; binary classification needs 0/1 labels");
        }
    }

    /** Rows of the dates in [from, to]. */
    public static long rows(List<DateCount> counts, LocalDate from, LocalDate to) {
        return counts.stream().filter(c -> !c.date().isBefore(from) && !c.date().isAfter(to)).mapToLong(DateCount::rows).sum();
    }
}
