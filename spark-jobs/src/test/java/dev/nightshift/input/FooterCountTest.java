package dev.nightshift.input;

import dev.nightshift.testing.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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
 * a file, columns projected, no rows at all), and is not used for anything else: a filter, Delta, CSV, more files than
 * the driver reads, a read that skips corrupt files.
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
