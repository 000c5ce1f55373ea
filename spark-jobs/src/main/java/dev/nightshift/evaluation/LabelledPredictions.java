package dev.nightshift.evaluation;

import dev.nightshift.contract.Columns;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * Joins published predictions with their ground truth. An entity id with several label rows on one date is a
 * duplicate; if those rows disagree it is conflicting and gets no label at all (it is never silently resolved), while
 * agreeing duplicates count once.
 */
public final class LabelledPredictions {

    /** What metrics are grouped by. */
    public static final List<String> KEYS = List.of(Columns.PIPELINE, Columns.BUSINESS_DATE, Columns.MODEL_VERSION_ID);
    public static final String DUPLICATE = "duplicate_label";
    public static final String CONFLICTING = "conflicting_label";

    /** Columns of {@link #coverage}: per key, predictions, usable labels, duplicate and conflicting ids, labels not 0/1. */
    public static final String PREDICTIONS = "predictions";
    public static final String LABELLED = "labelled";
    public static final String DUPLICATES = "duplicates";
    public static final String CONFLICTS = "conflicts";
    public static final String NOT_BINARY = "not_binary";
    public static final String UNSCORED = "unscored";

    private static final String COPIES = "__ns_copies";
    private static final String HIGHEST = "__ns_highest";

    private LabelledPredictions() {
    }

    /**
     * {@code predictions}: contract prediction rows; {@code labels}: (entity_id, business_date, label) as
     * {@code PipelineInput.labels} reads them. Returns every prediction row (keys, entity_id, score, prediction) with
     * {@code label} (null when missing or conflicting) and the booleans {@link #DUPLICATE} and {@link #CONFLICTING}.
     * Labels of ids without a prediction are ignored.
     */
    public static Dataset<Row> join(Dataset<Row> predictions, Dataset<Row> labels) {
        // rows of one id disagree when their highest label is above their lowest: what a count of distinct labels above
        // one says (both leave nulls out; Spark orders NaN above every number and -0.0 equal to 0.0 in both), in one
        // aggregation, where a distinct count is planned as two with a shuffle between them
        Dataset<Row> perId = labels.groupBy(Columns.ENTITY_ID, Columns.BUSINESS_DATE).agg(
                count(lit(1)).as(COPIES),
                max(col(Columns.LABEL)).as(HIGHEST),
                min(col(Columns.LABEL)).as(Columns.LABEL));
        Column conflicting = coalesce(col(HIGHEST).gt(col(Columns.LABEL)), lit(false));
        return predictions.join(perId, new String[] {Columns.ENTITY_ID, Columns.BUSINESS_DATE}, "left").select(
                col(Columns.PIPELINE), col(Columns.BUSINESS_DATE), col(Columns.MODEL_VERSION_ID), col(Columns.ENTITY_ID),
                col(Columns.SCORE), col(Columns.PREDICTION),
                when(conflicting, lit(null).cast("double")).otherwise(col(Columns.LABEL)).as(Columns.LABEL),
                coalesce(col(COPIES), lit(0L)).gt(1).as(DUPLICATE),
                conflicting.as(CONFLICTING));
    }

    /**
     * Per key: see {@link #PREDICTIONS}, {@link #LABELLED}, {@link #DUPLICATES}, {@link #CONFLICTS}, {@link #NOT_BINARY}
     * (usable labels other than 0 and 1) and {@link #UNSCORED} (labelled rows without a score).
     */
    public static Dataset<Row> coverage(Dataset<Row> joined) {
        Column label = col(Columns.LABEL);
        return joined.groupBy(KEYS.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new)).agg(
                count(lit(1)).as(PREDICTIONS),
                count(label).as(LABELLED),
                sum(when(col(DUPLICATE), 1L).otherwise(0L)).as(DUPLICATES),
                sum(when(col(CONFLICTING), 1L).otherwise(0L)).as(CONFLICTS),
                sum(when(label.isNotNull().and(label.notEqual(0.0)).and(label.notEqual(1.0)), 1L).otherwise(0L)).as(NOT_BINARY),
                sum(when(label.isNotNull().and(col(Columns.SCORE).isNull()), 1L).otherwise(0L)).as(UNSCORED));
    }

    /** The rows metrics are computed on: those with a usable label. */
    public static Dataset<Row> labelledOnly(Dataset<Row> joined) {
        return joined.where(col(Columns.LABEL).isNotNull());
    }
}
