package dev.nightshift.validation;

import dev.nightshift.contract.Columns;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

import java.time.LocalDate;

/**
 * The warehouse Delta table of quarantined input rows ({@code quarantine/<pipeline>}), partitioned by business_date.
 * A night is replaced in one commit ({@code replaceWhere}), also when it has no bad rows, so a rerun leaves exactly
 * the rows its own validation quarantined. New input columns are added to the table's schema.
 */
public final class QuarantineTable {

    private QuarantineTable() {
    }

    public static void replaceDate(Dataset<Row> rows, String path, LocalDate date) {
        rows.write()
                .format("delta")
                .mode(SaveMode.Overwrite)
                .option("replaceWhere", Columns.BUSINESS_DATE + " = DATE'" + date + "'")
                .option("mergeSchema", "true")
                .partitionBy(Columns.BUSINESS_DATE)
                .save(path);
    }
}
