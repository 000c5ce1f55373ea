package dev.nightshift.training;

import dev.nightshift.contract.Columns;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.time.LocalDate;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * A time-based split: the last {@code holdoutDays} labelled dates are the holdout, the earlier ones the
 * training set, so the model is always tested on data later than anything it learned from.
 */
public record HoldoutSplit(LocalDate trainFrom, LocalDate trainTo, LocalDate holdoutFrom, LocalDate holdoutTo) {

    /** Splits the distinct dates that have labelled rows; fails if either side would be empty. */
    public static HoldoutSplit of(List<LocalDate> labelledDates, int holdoutDays) {
        if (holdoutDays <= 0) {
            throw new IllegalArgumentException("holdoutDays must be positive, got " + holdoutDays);
        }
        List<LocalDate> dates = labelledDates.stream().distinct().sorted().toList();
        if (dates.size() <= holdoutDays) {
            throw new IllegalArgumentException("cannot split " + dates.size() + " labelled date(s)"
                    + (dates.isEmpty() ? "" : " (" + dates.get(0) + " .. " + dates.get(dates.size() - 1) + ")")
                    + " into a training set and a holdout of the last " + holdoutDays + " date(s): "
                    + (dates.isEmpty() ? "no labelled rows in the training window" : "the training set would be empty"));
        }
        int firstHoldout = dates.size() - holdoutDays;
        return new HoldoutSplit(dates.get(0), dates.get(firstHoldout - 1), dates.get(firstHoldout), dates.get(dates.size() - 1));
    }

    public Dataset<Row> train(Dataset<Row> rows) {
        return rows.where(col(Columns.BUSINESS_DATE).between(lit(trainFrom), lit(trainTo)));
    }

    public Dataset<Row> holdout(Dataset<Row> rows) {
        return rows.where(col(Columns.BUSINESS_DATE).between(lit(holdoutFrom), lit(holdoutTo)));
    }
}
