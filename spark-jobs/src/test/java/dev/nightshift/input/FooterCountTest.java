package dev.nightshift.input;

import dev.nightshift.testing.SparkTestBase;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.rand;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The footers' row count is Spark's count for a plain read of Parquet and ORC files (several files, several row groups
 * a file, columns projected, no rows at all, a filter of partition values), and is not used for anything else: a filter
 * of values in the files, Delta, CSV, more files than the driver reads, a read that skips corrupt files.
 */
class FooterCountTest extends SparkTestBase {

    private static final long ROWS = 5_003;

    @TempDir
    Path dir;

    /** ROWS rows in {@code files} files of uneven sizes. */
    private Dataset<Row> rows(int files) {
        return spark.range(ROWS).withColumn("x", rand(7)).withColumn("c", col("id").mod(13).cast("string"))
                .repartitionByRange(files, col("x"));
    }

    @Test
    void parquetFilesWithSeveralRowGroupsAreCountedFromTheirFooters() throws IOException {
        String path = dir.resolve("p").toString();
        // small row groups: a file holds several, and each has its own count in the footer
        rows(5).write().option("parquet.block.size", 2048).option("parquet.page.size", 512)
                .option("parquet.block.size.row.check.min", 10).option("parquet.block.size.row.check.max", 100).parquet(path);
        assertThat(dataFiles(path)).isEqualTo(5);
        assertThat(rowGroups(path)).isGreaterThan(5);

        Dataset<Row> read = spark.read().parquet(path);
        assertThat(FooterCount.fromFooters(read)).hasValue(ROWS);
        assertThat(FooterCount.fromFooters(read.select(col("x").as("renamed"), col("c")))).hasValue(ROWS);
        assertThat(FooterCount.count(read)).isEqualTo(read.count()).isEqualTo(ROWS);
    }

    @Test
    void orcFilesAreCountedFromTheirFootersToo() {
        String path = dir.resolve("o").toString();
        rows(4).write().orc(path);
        assertThat(FooterCount.fromFooters(spark.read().orc(path))).hasValue(ROWS);
    }

    @Test
    void noRowsAreZeroRows() {
        String path = dir.resolve("empty").toString();
        rows(2).limit(0).write().parquet(path);
        assertThat(FooterCount.fromFooters(spark.read().parquet(path))).hasValue(0);
    }

    @Test
    void aFilterOfPartitionValuesOnlyCountsTheFilesOfThosePartitions() {
        String root = dir.resolve("dated").toString();
        // three dates of uneven sizes, as Spark's partitionBy writes them
        rows(6).withColumn("event_date", functions.expr("date_add(date'2026-11-10', cast(id % 7 % 3 as int))"))
                .write().partitionBy("event_date").parquet(root);
        Dataset<Row> all = spark.read().parquet(root);
        Column day = col("event_date").equalTo(functions.lit(java.sql.Date.valueOf("2026-11-11")));
        long ofDay = all.where(day).count();
        assertThat(ofDay).isBetween(1L, ROWS - 1);

        // the whole dataset, and only the night's folder (with the root as basePath, as PipelineInput reads a night)
        assertThat(FooterCount.fromFooters(all.where(day))).hasValue(ofDay);
        assertThat(FooterCount.fromFooters(all.where(day.and(col("event_date").isNotNull())).select("id"))).hasValue(ofDay);
        assertThat(FooterCount.fromFooters(spark.read().option("basePath", root).parquet(root + "/event_date=2026-11-11").where(day)))
                .hasValue(ofDay);
        // a condition on a value in the files, alone or beside the date, is not a partition filter
        assertThat(FooterCount.fromFooters(all.where(day.and(col("x").lt(0.5))))).isEmpty();
        assertThat(FooterCount.fromFooters(all.where(day.or(col("x").lt(0.5))))).isEmpty();
        assertThat(FooterCount.fromFooters(all.where(functions.rand().lt(0.5)))).isEmpty();
        // nor is a condition on a column that only has a partition column's name
        Dataset<Row> renamed = all.select(col("x"), col("id").cast("string").as("event_date"));
        assertThat(FooterCount.fromFooters(renamed.where(col("event_date").equalTo("2026-11-11")))).isEmpty();
    }

    @Test
    void anythingButAPlainReadOfAFewColumnarFilesIsLeftToSpark() {
        String parquet = dir.resolve("p").toString();
        rows(3).write().parquet(parquet);
        Dataset<Row> filtered = spark.read().parquet(parquet).where(col("x").lt(0.5));
        assertThat(FooterCount.fromFooters(filtered)).isEmpty();
        assertThat(FooterCount.count(filtered)).isEqualTo(filtered.count()).isLessThan(ROWS);
        assertThat(FooterCount.fromFooters(spark.read().option("ignoreCorruptFiles", "true").parquet(parquet))).isEmpty();

        String csv = dir.resolve("csv").toString();
        rows(2).write().option("header", "true").csv(csv);
        assertThat(FooterCount.fromFooters(spark.read().option("header", "true").csv(csv))).isEmpty();

        String delta = dir.resolve("delta").toString();
        rows(2).write().format("delta").save(delta);
        assertThat(FooterCount.fromFooters(spark.read().format("delta").load(delta))).isEmpty();

        String many = dir.resolve("many").toString();
        rows(FooterCount.MAX_FILES + 1).write().parquet(many);
        Dataset<Row> manyFiles = spark.read().parquet(many);
        assertThat(FooterCount.fromFooters(manyFiles)).isEmpty();
        assertThat(FooterCount.count(manyFiles)).isEqualTo(ROWS);
    }

    private static long rowGroups(String path) throws IOException {
        org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
        long groups = 0;
        try (Stream<Path> files = Files.list(Path.of(path))) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".parquet")).toList()) {
                try (org.apache.parquet.hadoop.ParquetFileReader r = org.apache.parquet.hadoop.ParquetFileReader.open(
                        org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(f.toUri()), conf))) {
                    groups += r.getFooter().getBlocks().size();
                }
            }
        }
        return groups;
    }

    private static long dataFiles(String path) throws IOException {
        try (Stream<Path> files = Files.list(Path.of(path))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".parquet")).count();
        }
    }
}
