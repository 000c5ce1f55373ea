package dev.nightshift.validation;

import dev.nightshift.contract.Columns;
import io.delta.tables.DeltaTable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

import java.time.LocalDate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * The warehouse Delta table of quarantined input rows ({@code quarantine/<pipeline>}), partitioned by business_date.
 * A night with bad rows is replaced in one commit ({@code replaceWhere}), so a rerun leaves exactly the rows its own
 * validation quarantined. New input columns are added to the table's schema. A night without bad rows writes no
 * files: it removes the date's earlier rows, if the table holds any (a metadata-only delete on the partition column),
 * and does not create the table; a pipeline whose nights were all clean has no quarantine table.
 */
public final class QuarantineTable {

    private QuarantineTable() {
    }

    /** {@code quarantined}: how many rows {@code rows} holds, as the night's validation counted them. */
    public static void replaceDate(Dataset<Row> rows, long quarantined, String path, LocalDate date) {
        if (quarantined == 0) {
            // The Delta write of no rows would still reconstruct the table's snapshot, write a commit and now and then a
            // checkpoint: seconds per night, on most nights.
            if (DeltaTable.isDeltaTable(rows.sparkSession(), path)) {
                DeltaTable.forPath(rows.sparkSession(), path).delete(col(Columns.BUSINESS_DATE).equalTo(lit(date)));
            }
            return;
        }
        rows.write()
                .format("delta")
                .mode(SaveMode.Overwrite)
                .option("replaceWhere", Columns.BUSINESS_DATE + " = DATE'" + date + "'")
                .option("mergeSchema", "true")
                .partitionBy(Columns.BUSINESS_DATE)
                .save(path);
    }
}
