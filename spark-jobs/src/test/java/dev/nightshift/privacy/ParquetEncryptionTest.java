package dev.nightshift.privacy;

import dev.nightshift.testing.SparkTestBase;
import org.apache.hadoop.conf.Configuration;
import dev.nightshift.input.FooterCount;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Parquet modular encryption of a Delta table through Spark's Hadoop configuration and {@link FileKeyProvider}: the
 * files are encrypted (their values are not in the bytes), a read without the key fails, a read with it succeeds, and
 * plaintext Parquet stays readable while encryption is configured.
 */
class ParquetEncryptionTest extends SparkTestBase {
    static final String FACTORY = "parquet.crypto.factory.class";
    static final String KMS = "parquet.encryption.kms.client.class";
    /** One master key for the footer and every column: what the README recommends (column lists must match every file). */
    static final String UNIFORM_KEY = "parquet.encryption.uniform.key";
    static final List<String> PROPERTIES = List.of(FACTORY, KMS, UNIFORM_KEY, FileKeyProvider.KEYS_FILE_PROPERTY);

    @TempDir
    Path dir;

    @AfterEach
    void noEncryption() {
        PROPERTIES.forEach(spark.sparkContext().hadoopConfiguration()::unset);
    }

    @Test
    void anEncryptedDeltaTableIsUnreadableWithoutTheKeyAndReadableWithIt() throws Exception {
        // given a key file and a plaintext Parquet file written before encryption is configured
        Path keys = dir.resolve("keys");
        Files.writeString(keys, "# test keys\nnightshift: " + Base64.getEncoder().encodeToString("fedcba9876543210".getBytes(StandardCharsets.UTF_8))
                + "\nother: " + Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.UTF_8)) + "\n");
        String plain = dir.resolve("plain").toUri().toString();
        spark.range(3).write().parquet(plain);
        Dataset<Row> rows = spark.range(50).select(concat(lit("secret-entity-"), col("id").cast("string")).as("entity_id"),
                col("id").cast("double").as("score"));

        // when a Delta table is written with encryption on (one key for the footer and every column)
        String table = dir.resolve("predictions").toUri().toString();
        encryption(keys);
        rows.write().format("delta").mode(SaveMode.Overwrite).save(table);

        // then its data files are Parquet with an encrypted footer ("PARE") and hold no value in clear
        List<Path> dataFiles;
        try (Stream<Path> s = Files.walk(dir.resolve("predictions"))) {
            dataFiles = s.filter(p -> p.toString().endsWith(".parquet") && !p.toString().contains("_delta_log")).toList();
        }
        assertThat(dataFiles).isNotEmpty();
        for (Path f : dataFiles) {
            byte[] bytes = Files.readAllBytes(f);
            assertThat(new String(bytes, 0, 4, StandardCharsets.ISO_8859_1)).isEqualTo("PARE");
            assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).doesNotContain("secret-entity-");
        }
        // and with the key it reads back, and plaintext Parquet is still readable
        assertThat(spark.read().format("delta").load(table).where(col("entity_id").equalTo("secret-entity-7")).count()).isEqualTo(1);
        assertThat(spark.read().parquet(plain).count()).isEqualTo(3);
        // and so are their footers, for a night's row count (the data files read as plain Parquet, and the plaintext file)
        assertThat(FooterCount.fromFooters(spark.read().parquet(table))).hasValue(50);
        assertThat(FooterCount.fromFooters(spark.read().parquet(plain))).hasValue(3);

        // when the key is gone
        noEncryption();
        // then neither Delta nor a plain Parquet reader can read the files
        assertThatThrownBy(() -> spark.read().format("delta").load(table).collectAsList()).hasStackTraceContaining("encrypt");
        assertThatThrownBy(() -> spark.read().parquet(dataFiles.get(0).toString()).collectAsList()).hasStackTraceContaining("encrypt");
    }

    private static void encryption(Path keys) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        conf.set(FACTORY, "org.apache.parquet.crypto.keytools.PropertiesDrivenCryptoFactory");
        conf.set(KMS, FileKeyProvider.class.getName());
        conf.set(FileKeyProvider.KEYS_FILE_PROPERTY, keys.toString());
        conf.set(UNIFORM_KEY, "nightshift");
    }
}
