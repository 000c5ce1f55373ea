package dev.nightshift.data;

import dev.nightshift.contract.GenerateDataArgs;
import dev.nightshift.spark.JobMain;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Writes a synthetic dataset under a warehouse root in the layout of the example pipeline specs:
 * <ul>
 *   <li>churn: {@code {output}/input/churn/event_date=D/} (parquet, partitioned by event_date) and
 *       {@code {output}/labels/churn/event_date=D/} (customer_id, churned);</li>
 *   <li>demand: {@code {output}/input/demand/date=D/} (one folder per date, no date column) and
 *       {@code {output}/labels/demand/sale_date=D/} (item_id, units_sold).</li>
 * </ul>
 * With {@code --bad-rows-on=D} the input of D gets a few rows validation quarantines ({@link SyntheticData#withBadRows}).
 * Rerunning replaces the generated dates (dynamic partition overwrite) and keeps other dates.
 * Labels are written for every date; readers apply the spec's lag ({@code --label-lag-days} is not applied here).
 */
public final class GenerateDataJob {

    private GenerateDataJob() {
    }

    public static void main(String[] args) {
        JobMain.run("nightshift-generate-data", args, GenerateDataArgs::parse, GenerateDataJob::run);
    }

    public static void run(SparkSession spark, GenerateDataArgs args) {
        String root = args.output().endsWith("/") ? args.output().substring(0, args.output().length() - 1) : args.output();
        switch (args.dataset()) {
            case SyntheticData.CHURN -> {
                Dataset<Row> rows = SyntheticData.churn(spark, args).cache();
                write(SyntheticData.withBadRows(rows.drop("churned"), SyntheticData.CHURN, args.badRowsOn()), "event_date",
                        root + "/input/churn");
                write(rows.select("customer_id", "event_date", "churned"), "event_date", root + "/labels/churn");
                rows.unpersist();
            }
            case SyntheticData.DEMAND -> {
                Dataset<Row> rows = SyntheticData.demand(spark, args).cache();
                write(SyntheticData.withBadRows(rows.drop("units_sold"), SyntheticData.DEMAND, args.badRowsOn())
                        .withColumnRenamed("sale_date", "date"), "date", root + "/input/demand");
                write(rows.select("item_id", "sale_date", "units_sold"), "sale_date", root + "/labels/demand");
                rows.unpersist();
            }
            default -> throw new IllegalArgumentException("unknown dataset '" + args.dataset() + "'; expected "
                    + SyntheticData.CHURN + " or " + SyntheticData.DEMAND);
        }
    }

    private static void write(Dataset<Row> rows, String dateColumn, String path) {
        rows.repartition(rows.col(dateColumn))
                .write()
                .mode(SaveMode.Overwrite)
                .option("partitionOverwriteMode", "dynamic")
                .partitionBy(dateColumn)
                .parquet(path);
    }
}
