package dev.nightshift.input;

import dev.nightshift.contract.Columns;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.Warehouse;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DateType;

import java.io.IOException;
import java.time.LocalDate;
import java.util.Arrays;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;

/**
 * Reads a pipeline's input and ground truth as its spec describes: a path template with {@code {date}} (one
 * folder per date) or a dataset whose {@code dateColumn} selects dates.
 */
public final class PipelineInput {

    private PipelineInput() {
    }

    /** Where the input rows of {@code date} are read from, for messages. */
    public static String describe(PipelineSpec spec, String warehouse, LocalDate date) {
        PipelineSpec.Input in = spec.input();
        return in.pathIsDated()
                ? Warehouse.expand(in.path(), warehouse, date)
                : Warehouse.expand(in.path(), warehouse, null) + " where " + in.dateColumn() + " = " + date;
    }

    /**
     * The raw input rows of one business date (all columns as stored). Fails if a path does not exist; an empty
     * result is left to the caller, which counts the rows anyway.
     */
    public static Dataset<Row> forDate(SparkSession spark, PipelineSpec spec, String warehouse, LocalDate date) throws IOException {
        PipelineSpec.Input in = spec.input();
        Dataset<Row> rows;
        if (in.pathIsDated()) {
            String path = Warehouse.expand(in.path(), warehouse, date);
            if (!exists(spark, path)) {
                throw new InputValidationException("no input rows for business date " + date + ": path " + path + " does not exist");
            }
            rows = reader(spark, in.format(), in.options()).load(path);
        } else {
            requireDateColumn(spec);
            String path = Warehouse.expand(in.path(), warehouse, null);
            if (!exists(spark, path)) {
                throw new InputValidationException("no input rows for business date " + date + ": path " + path + " does not exist");
            }
            Dataset<Row> all = reader(spark, in.format(), in.options()).load(path);
            rows = all.where(asDate(all, in.dateColumn()).equalTo(lit(date)));
        }
        return rows;
    }

    /**
     * The raw input rows of the dates in [from, to], with the date in {@link Columns#BUSINESS_DATE}. A dated
     * path is read folder by folder; dates without a folder are skipped.
     */
    public static Dataset<Row> forDates(SparkSession spark, PipelineSpec spec, String warehouse, LocalDate from, LocalDate to)
            throws IOException {
        PipelineSpec.Input in = spec.input();
        if (in.pathIsDated()) {
            Dataset<Row> union = null;
            for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
                String path = Warehouse.expand(in.path(), warehouse, d);
                if (exists(spark, path)) {
                    Dataset<Row> day = reader(spark, in.format(), in.options()).load(path).withColumn(Columns.BUSINESS_DATE, lit(d));
                    union = union == null ? day : union.unionByName(day, true);
                }
            }
            if (union == null) {
                throw new InputValidationException("no input between " + from + " and " + to + ": no folder "
                        + Warehouse.expand(in.path(), warehouse, null) + " exists for any of these dates");
            }
            return union;
        }
        requireDateColumn(spec);
        String path = Warehouse.expand(in.path(), warehouse, null);
        if (!exists(spark, path)) {
            throw new InputValidationException("no input between " + from + " and " + to + ": path " + path + " does not exist");
        }
        Dataset<Row> all = reader(spark, in.format(), in.options()).load(path);
        Column date = asDate(all, in.dateColumn());
        return all.where(date.between(lit(from), lit(to))).withColumn(Columns.BUSINESS_DATE, date);
    }

    /**
     * Ground truth of the dates in [from, to] as (entity_id string, business_date, label double); rows with a null
     * label are dropped (the label has not arrived).
     */
    public static Dataset<Row> labels(SparkSession spark, PipelineSpec spec, String warehouse, LocalDate from, LocalDate to)
            throws IOException {
        PipelineSpec.GroundTruth gt = spec.groundTruth();
        if (gt == null) {
            throw new IllegalArgumentException("pipeline '" + spec.name() + "' has no groundTruth section; cannot train");
        }
        String path = Warehouse.expand(gt.path(), warehouse, null);
        if (!exists(spark, path)) {
            throw new InputValidationException("ground truth path " + path + " does not exist");
        }
        Dataset<Row> all = reader(spark, gt.format(), java.util.Map.of()).load(path);
        for (String c : new String[] {gt.idColumn(), gt.dateColumn(), gt.labelColumn()}) {
            if (!Arrays.asList(all.columns()).contains(c)) {
                throw new InputValidationException("ground truth " + path + " has no column '" + c + "'; columns present: "
                        + String.join(", ", all.columns()));
            }
        }
        Column date = asDate(all, gt.dateColumn());
        return all.where(date.between(lit(from), lit(to)))
                .select(col(gt.idColumn()).cast("string").as(Columns.ENTITY_ID), date.as(Columns.BUSINESS_DATE),
                        col(gt.labelColumn()).cast("double").as(Columns.LABEL))
                .where(col(Columns.LABEL).isNotNull());
    }

    private static void requireDateColumn(PipelineSpec spec) {
        if (spec.input().dateColumn() == null) {
            throw new IllegalArgumentException("pipeline '" + spec.name() + "': input.path has no {date} and input.dateColumn is not set");
        }
    }

    private static Column asDate(Dataset<Row> rows, String column) {
        if (!Arrays.asList(rows.columns()).contains(column)) {
            throw new InputValidationException("input has no date column '" + column + "'; columns present: "
                    + String.join(", ", rows.columns()));
        }
        return rows.schema().apply(column).dataType() instanceof DateType ? col(column) : to_date(col(column));
    }

    private static DataFrameReader reader(SparkSession spark, String format, java.util.Map<String, String> options) {
        return spark.read().format(format).options(options);
    }

    private static boolean exists(SparkSession spark, String path) throws IOException {
        Path p = new Path(path);
        return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
    }
}
