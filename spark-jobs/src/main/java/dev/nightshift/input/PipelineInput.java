package dev.nightshift.input;

import dev.nightshift.contract.Columns;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.Warehouse;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DateType;

import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
            Dataset<Row> all = datedDataset(spark, in.format(), in.options(), path, in.dateColumn(), date, date);
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
        Dataset<Row> all = datedDataset(spark, in.format(), in.options(), path, in.dateColumn(), from, to);
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
        Dataset<Row> all = datedDataset(spark, gt.format(), java.util.Map.of(), path, gt.dateColumn(), from, to);
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

    /**
     * A dataset of many dates at {@code root}, for the dates in [from, to]; the caller still selects the rows of those
     * dates. Where the root holds only folders named {@code <dateColumn>=<yyyy-MM-dd>} (what Spark's {@code partitionBy}
     * writes), only the folders of those dates are read, with the root as {@code basePath} so that the date stays a
     * column: Spark lists every file under the paths it is given when it plans a read, so a dataset of years of dates
     * would otherwise be listed whole, file by file, at every read of every night (a listing job on the executors once
     * the folders exceed {@code spark.sql.sources.parallelPartitionDiscovery.threshold}). Any other layout, a Delta
     * table, or no folder of those dates holding a file: the whole root, as before. The schema of a text format (CSV,
     * JSON) is then inferred from those dates' files, as a night's own data; Parquet's from one file either way.
     */
    static Dataset<Row> datedDataset(SparkSession spark, String format, java.util.Map<String, String> options, String root,
                                     String dateColumn, LocalDate from, LocalDate to) throws IOException {
        List<String> folders = "delta".equalsIgnoreCase(format) ? List.of() : dateFolders(spark, root, dateColumn, from, to);
        DataFrameReader reader = reader(spark, format, options);
        return folders.isEmpty() ? reader.load(root) : reader.option("basePath", root).load(folders.toArray(String[]::new));
    }

    /** The folders of the dates in [from, to] under {@code root}, if every entry there is such a date folder; else none. */
    private static List<String> dateFolders(SparkSession spark, String root, String dateColumn, LocalDate from, LocalDate to)
            throws IOException {
        Path base = new Path(root);
        FileSystem fs = base.getFileSystem(spark.sparkContext().hadoopConfiguration());
        String prefix = dateColumn + "=";
        List<String> folders = new ArrayList<>();
        for (FileStatus child : fs.listStatus(base)) {
            String name = child.getPath().getName();
            if (name.startsWith("_") || name.startsWith(".")) {
                continue;   // what Spark's listing skips too (_SUCCESS, checksums)
            }
            if (!child.isDirectory() || !name.startsWith(prefix)) {
                return List.of();
            }
            LocalDate date;
            try {
                date = LocalDate.parse(name.substring(prefix.length()));
            } catch (DateTimeParseException e) {
                return List.of();   // not a plain date: Spark's own partition discovery decides what it is
            }
            if (!date.isBefore(from) && !date.isAfter(to) && holdsData(fs, child.getPath())) {
                folders.add(child.getPath().toString());
            }
        }
        return folders;
    }

    /** An empty date folder is left out: given only empty folders, Spark could not infer the schema. */
    private static boolean holdsData(FileSystem fs, Path folder) throws IOException {
        for (FileStatus entry : fs.listStatus(folder)) {
            String name = entry.getPath().getName();
            if (!name.startsWith("_") && !name.startsWith(".")) {
                return true;
            }
        }
        return false;
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
