package dev.nightshift.validation;

import dev.nightshift.contract.Columns;
import io.delta.tables.DeltaTable;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * The warehouse Delta table of quarantined input rows ({@code quarantine/<pipeline>}), partitioned by business_date.
 * A night with bad rows is replaced in one commit ({@code replaceWhere}), so a rerun leaves exactly the rows its own
 * validation quarantined. New input columns are added to the table's schema. A night without bad rows writes no
 * files: it removes the date's earlier rows, if the table holds any (a metadata-only delete on the partition column),
 * and does not create the table; a pipeline whose nights were all clean has no quarantine table. The date's rows can
 * only be in its partition folder ({@code business_date=<date>}: this table is written by {@link #replaceDate} alone,
 * without random file prefixes), so without that folder a clean night does not open the table at all (reading its
 * snapshot for the delete took one to three seconds of a small night).
 */
public final class QuarantineTable {

    private QuarantineTable() {
    }

    /** {@code quarantined}: how many rows {@code rows} holds, as the night's validation counted them. */
    public static void replaceDate(Dataset<Row> rows, long quarantined, String path, LocalDate date) {
        if (quarantined == 0) {
            // The Delta write of no rows would still reconstruct the table's snapshot, write a commit and now and then a
            // checkpoint: seconds per night, on most nights.
            if (partitionFolderExists(rows.sparkSession(), path, date) && DeltaTable.isDeltaTable(rows.sparkSession(), path)) {
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

    private static boolean partitionFolderExists(SparkSession spark, String table, LocalDate date) {
        Path folder = new Path(table, Columns.BUSINESS_DATE + "=" + date);
        try {
            return folder.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot look for the quarantine partition " + folder, e);
        }
    }
}
