package dev.nightshift.input;

import dev.nightshift.contract.Columns;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.Task;
import dev.nightshift.testing.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A dataset of many dates written by Spark's partitionBy is read only in the folders of the dates asked for (Spark
 * would list every file of every date otherwise), with the same rows and columns as the whole dataset filtered; other
 * layouts are read whole.
 */
class PipelineInputTest extends SparkTestBase {

    private static final LocalDate D1 = LocalDate.of(2026, 11, 10);
    private static final LocalDate D2 = D1.plusDays(1);
    private static final LocalDate D3 = D1.plusDays(2);
    private static final StructType SCHEMA = new StructType()
            .add("customer_id", DataTypes.StringType)
            .add("event_date", DataTypes.DateType)
            .add("tenure_months", DataTypes.DoubleType)
            .add("churned", DataTypes.DoubleType);

    @TempDir
    Path warehouse;

    private Dataset<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (LocalDate d : List.of(D1, D2, D3)) {
            for (int i = 0; i < 5; i++) {
                rows.add(RowFactory.create(d + "-" + i, Date.valueOf(d), (double) i, i == 4 ? null : (double) (i % 2)));
            }
        }
        return spark.createDataFrame(rows, SCHEMA).repartition(2);
    }

    private static PipelineSpec spec() {
        return new PipelineSpec("p", Task.BINARY_CLASSIFICATION, null,
                new PipelineSpec.Input("parquet", "{warehouse}/input/p", "event_date", "customer_id", null),
                new PipelineSpec.GroundTruth("parquet", "{warehouse}/labels/p", "customer_id", "event_date", "churned", 0),
                List.of(), null, null);
    }

    private void writePartitioned(String folder) {
        rows().write().partitionBy("event_date").parquet(warehouse.resolve(folder).toString());
    }

    /** The folders named event_date=... that the dataset's files live in. */
    private static List<String> dateFoldersRead(Dataset<Row> rows) {
        return Arrays.stream(rows.inputFiles())
                .map(f -> f.replaceAll(".*/(event_date=[^/]+)/[^/]+$", "$1"))
                .distinct().sorted().toList();
    }

    private static List<String> ids(Dataset<Row> rows, String column) {
        return rows.select(col(column).cast("string")).collectAsList().stream().map(r -> r.getString(0)).sorted().toList();
    }

    @Test
    void aPartitionedDatasetIsReadOnlyInTheFoldersOfTheDatesAskedFor() throws Exception {
        writePartitioned("input/p");
        writePartitioned("labels/p");
        String wh = warehouse.toString();

        Dataset<Row> night = PipelineInput.forDate(spark, spec(), wh, D2);
        assertThat(dateFoldersRead(night)).containsExactly("event_date=" + D2);
        assertThat(ids(night, "customer_id")).containsExactly(D2 + "-0", D2 + "-1", D2 + "-2", D2 + "-3", D2 + "-4");
        assertThat(night.schema().apply("event_date").dataType()).isEqualTo(DataTypes.DateType);
        assertThat(Arrays.asList(night.columns())).containsExactlyInAnyOrder("customer_id", "tenure_months", "churned", "event_date");

        Dataset<Row> window = PipelineInput.forDates(spark, spec(), wh, D1, D2);
        assertThat(dateFoldersRead(window)).containsExactly("event_date=" + D1, "event_date=" + D2);
        assertThat(window.where(col(Columns.BUSINESS_DATE).equalTo(col("event_date"))).count()).isEqualTo(10);

        Dataset<Row> labels = PipelineInput.labels(spark, spec(), wh, D2, D3);
        assertThat(dateFoldersRead(labels)).containsExactly("event_date=" + D2, "event_date=" + D3);
        assertThat(labels.count()).isEqualTo(8);   // the null labels (one a date) are not there yet
        assertThat(labels.where(col(Columns.BUSINESS_DATE).equalTo(Date.valueOf(D3))).count()).isEqualTo(4);
    }

    @Test
    void otherLayoutsAreReadWholeAndSelectTheSameRows() throws Exception {
        String wh = warehouse.toString();
        // a flat dataset: the date is a column of the files
        rows().write().parquet(warehouse.resolve("input/p").toString());
        Dataset<Row> flat = PipelineInput.forDate(spark, spec(), wh, D2);
        assertThat(ids(flat, "customer_id")).containsExactly(D2 + "-0", D2 + "-1", D2 + "-2", D2 + "-3", D2 + "-4");

        // date folders beside a folder that is not a date (Spark's null partition): read whole
        writePartitioned("labels/p");
        Files.createDirectories(warehouse.resolve("labels/p/event_date=__HIVE_DEFAULT_PARTITION__"));
        rows().where(col("event_date").equalTo(Date.valueOf(D1))).drop("event_date").write()
                .parquet(warehouse.resolve("labels/p/event_date=__HIVE_DEFAULT_PARTITION__/x").toString());
        Dataset<Row> labels = PipelineInput.labels(spark, spec(), wh, D3, D3);
        assertThat(dateFoldersRead(labels)).hasSizeGreaterThan(1);
        assertThat(ids(labels, Columns.ENTITY_ID)).containsExactly(D3 + "-0", D3 + "-1", D3 + "-2", D3 + "-3");
    }

    @Test
    void aDateWithoutFilesFindsNoRowsAsBefore() throws Exception {
        writePartitioned("input/p");
        Files.createDirectories(warehouse.resolve("input/p/event_date=" + D3.plusDays(1)));
        String wh = warehouse.toString();

        // an empty folder and no folder at all: the whole dataset, filtered to nothing, with its columns
        for (LocalDate missing : List.of(D3.plusDays(1), D3.plusDays(2))) {
            Dataset<Row> night = PipelineInput.forDate(spark, spec(), wh, missing);
            assertThat(night.count()).as(missing.toString()).isZero();
            assertThat(night.columns()).as(missing.toString()).contains("customer_id", "tenure_months", "event_date");
        }
        // a range holding the empty folder reads the folders with files
        assertThat(dateFoldersRead(PipelineInput.forDates(spark, spec(), wh, D3, D3.plusDays(1))))
                .containsExactly("event_date=" + D3);
    }
}
