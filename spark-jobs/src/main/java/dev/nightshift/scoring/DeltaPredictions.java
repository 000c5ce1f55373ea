package dev.nightshift.scoring;

import dev.nightshift.contract.Columns;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

import java.time.LocalDate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * The warehouse copy of a pipeline's predictions: a Delta table partitioned by business_date where one night is
 * replaced in a single commit ({@code replaceWhere}), so readers see the old night or the new one, never a mix.
 */
public final class DeltaPredictions {

    private DeltaPredictions() {
    }

    /** Replaces the rows of {@code date} with {@code rows} (all of which must be of that date); creates the table if needed. */
    public static void replaceDate(Dataset<Row> rows, String path, LocalDate date) {
        rows.write()
                .format("delta")
                .mode(SaveMode.Overwrite)
                .option("replaceWhere", Columns.BUSINESS_DATE + " = DATE'" + date + "'")
                .partitionBy(Columns.BUSINESS_DATE)
                .save(path);
    }

    public static Dataset<Row> readDate(SparkSession spark, String path, LocalDate date) {
        return spark.read().format("delta").load(path).where(col(Columns.BUSINESS_DATE).equalTo(lit(date)));
    }
}
