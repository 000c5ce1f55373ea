package dev.nightshift.scoring;

import dev.nightshift.contract.Columns;
import dev.nightshift.contract.Task;
import dev.nightshift.testing.SparkTestBase;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Timestamps land in Parquet as INT64 TIMESTAMP(MICROS, UTC), the sessions' setting, and read back exactly. */
class ParquetTimestampsTest extends SparkTestBase {

    private static final String OUTPUT_TIMESTAMP_TYPE = "spark.sql.parquet.outputTimestampType";

    @TempDir
    Path dir;

    private Dataset<Row> predictions(LocalDate date, Instant scoredAt) {
        StructType schema = new StructType()
                .add(Columns.ENTITY_ID, DataTypes.StringType)
                .add("prediction", DataTypes.DoubleType);
        Dataset<Row> model = spark.createDataFrame(List.of(RowFactory.create("C1", 1.0), RowFactory.create("C2", 0.0)), schema);
        return Predictions.from(model, Task.REGRESSION, 0.5, new Predictions.Stamp("churn", date, 1L, 7L, scoredAt));
    }

    @Test
    void aNightsScoredAtIsInt64MicrosecondsInTheDeltaFilesAndReadsBackToTheMicrosecond() throws IOException {
        LocalDate date = LocalDate.of(2026, 10, 1);
        Instant scoredAt = Instant.parse("2026-10-02T02:30:00.123456Z");
        String table = dir.resolve("predictions").toString();

        DeltaPredictions.replaceDate(predictions(date, scoredAt), table, date);

        assertThat(physicalType(dataFiles(dir.resolve("predictions")).get(0), Columns.SCORED_AT)).satisfies(type -> {
            assertThat(type.getPrimitiveTypeName()).isEqualTo(PrimitiveTypeName.INT64);
            assertThat(type.getLogicalTypeAnnotation()).isEqualTo(LogicalTypeAnnotation.timestampType(true, TimeUnit.MICROS));
        });
        assertThat(DeltaPredictions.readDate(spark, table, date).select(Columns.SCORED_AT).as(Encoders.INSTANT())
                .collectAsList()).containsExactly(scoredAt, scoredAt);
    }

    @Test
    void aTableWithInt96FilesFromBeforeReadsBothKindsAsWritten() throws IOException {
        LocalDate before = LocalDate.of(2026, 10, 1);
        LocalDate after = LocalDate.of(2026, 10, 2);
        Instant first = Instant.parse("2026-10-02T02:30:00.000001Z");
        Instant second = Instant.parse("2026-10-03T02:30:00.999999Z");
        String table = dir.resolve("predictions").toString();
        String setting = spark.conf().get(OUTPUT_TIMESTAMP_TYPE);
        try {
            spark.conf().set(OUTPUT_TIMESTAMP_TYPE, "INT96");
            DeltaPredictions.replaceDate(predictions(before, first), table, before);
        } finally {
            spark.conf().set(OUTPUT_TIMESTAMP_TYPE, setting);
        }
        DeltaPredictions.replaceDate(predictions(after, second), table, after);

        assertThat(physicalType(dataFiles(dir.resolve("predictions").resolve("business_date=" + before)).get(0), Columns.SCORED_AT)
                .getPrimitiveTypeName()).isEqualTo(PrimitiveTypeName.INT96);
        assertThat(physicalType(dataFiles(dir.resolve("predictions").resolve("business_date=" + after)).get(0), Columns.SCORED_AT)
                .getPrimitiveTypeName()).isEqualTo(PrimitiveTypeName.INT64);
        List<Row> rows = spark.read().format("delta").load(table).groupBy(Columns.BUSINESS_DATE, Columns.SCORED_AT).count()
                .orderBy(Columns.BUSINESS_DATE).collectAsList();
        assertThat(rows).extracting(r -> r.get(0), r -> r.get(1), r -> r.get(2))
                .containsExactly(tuple(before, first, 2L), tuple(after, second, 2L));
    }

    @Test
    void timestampsBeforeTheGregorianSwitchAndOutsideInt64NanosecondsRoundTripInPlainParquet() {
        // INT64 nanoseconds end in 2262 and begin in 1677, Julian-calendar dates were rebased by older Spark writers:
        // microseconds since the epoch in the proleptic Gregorian calendar hold all of these as they are.
        List<Instant> instants = List.of(Instant.parse("1500-03-01T00:00:00Z"), Instant.parse("1582-10-10T12:00:00Z"),
                Instant.parse("1899-12-31T23:59:59.999999Z"), Instant.parse("2300-01-01T00:00:00.000001Z"));
        String path = dir.resolve("timestamps").toString();

        spark.createDataset(instants, Encoders.INSTANT()).toDF("t").write().parquet(path);

        assertThat(spark.read().parquet(path).orderBy(col("t")).as(Encoders.INSTANT()).collectAsList())
                .containsExactlyElementsOf(instants);
    }

    private static List<Path> dataFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            List<Path> parquet = files.filter(f -> f.getFileName().toString().endsWith(".parquet"))
                    .filter(f -> !f.toString().contains("_delta_log")).sorted().toList();
            assertThat(parquet).as("Parquet data files under %s", folder).isNotEmpty();
            return parquet;
        }
    }

    private static PrimitiveType physicalType(Path file, String column) throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))) {
            return reader.getFileMetaData().getSchema().getType(column).asPrimitiveType();
        }
    }
}
