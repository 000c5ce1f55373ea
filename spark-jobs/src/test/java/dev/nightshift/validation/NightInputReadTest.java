package dev.nightshift.validation;

import dev.nightshift.contract.Algorithm;
import dev.nightshift.contract.Columns;
import dev.nightshift.contract.DataQualityPolicy;
import dev.nightshift.contract.FeatureType;
import dev.nightshift.contract.GenerateDataArgs;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.Task;
import dev.nightshift.contract.TrainArgs;
import dev.nightshift.data.GenerateDataJob;
import dev.nightshift.drift.ReferenceProfile;
import dev.nightshift.input.InputValidationException;
import dev.nightshift.input.PipelineInput;
import dev.nightshift.registry.ModelRegistry;
import dev.nightshift.spark.CodeGeneration;
import dev.nightshift.registry.ModelVersion;
import dev.nightshift.spark.DbConfig;
import dev.nightshift.testing.DbRows;
import dev.nightshift.testing.PostgresTestSupport;
import dev.nightshift.testing.SparkTestBase;
import dev.nightshift.training.TrainJob;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A night over Parquet files is checked and profiled in one pass over the files and read from them again for the
 * quarantine and scoring, not cached: the same counts, quarantined rows and valid rows as the cached night over the
 * same rows (a Delta copy, which the night caches), and the same from ORC files. Its files are checked against the
 * listing the pass read, so that a file rewritten or removed during the night fails it (embedded PostgreSQL, file://
 * warehouse). With {@code input.cache: always} the Parquet night is cached like the Delta one.
 */
class NightInputReadTest extends SparkTestBase {

    private static final String PIPELINE = "churnreread";
    private static final LocalDate D = LocalDate.of(2026, 10, 20);
    private static final int CUSTOMERS = 300;

    private static DbConfig db;
    @RegisterExtension
    static final BeforeAllCallback DATABASE = context -> db = PostgresTestSupport.database(context);

    @TempDir
    Path warehouseDir;

    private static PipelineSpec spec(String format, String path) {
        return spec(format, path, null);
    }

    private static PipelineSpec spec(String format, String path, String cache) {
        return new PipelineSpec(PIPELINE, Task.BINARY_CLASSIFICATION, null,
                new PipelineSpec.Input(format, path, "event_date", "customer_id", null, cache),
                new PipelineSpec.GroundTruth("parquet", "{warehouse}/labels/churn", "customer_id", "event_date", "churned", 2),
                List.of(numeric("tenure_months"), numeric("monthly_charges"), numeric("support_calls"), numeric("data_usage_gb"),
                        categorical("plan"), categorical("region"),
                        new PipelineSpec.Feature("email", FeatureType.STRING, null, null, true)),
                new PipelineSpec.ModelConfig(Algorithm.LOGISTIC_REGRESSION, Map.of("maxIter", 5), 12, 3, 42L, 0.5),
                new PipelineSpec.Monitoring(null, null, new DataQualityPolicy(0.5, null, null, null), null, null));
    }

    @Test
    void aParquetNightIsReadAgainNotCachedAndFailsWhenItsFilesChange() throws Exception {
        // (the path of a night above CodeGeneration's limit: column batches come from generated code's scans only)
        spark.conf().set(CodeGeneration.MAX_INPUT_BYTES, "0");
        // given a model and a night with bad rows (null, out of range, unseen category, NaN, a repeated id), as Parquet
        // folders and as a Delta table of the same rows
        String warehouse = warehouseDir.toUri().toString();
        GenerateDataJob.run(spark, new GenerateDataArgs("churn", warehouse, D.minusDays(12), D, CUSTOMERS, 7, null, 0, 0, 2, D));
        PipelineSpec parquet = spec("parquet", "{warehouse}/input/churn");
        PipelineSpec delta = spec("delta", "{warehouse}/input-delta/churn");
        PipelineSpec orc = spec("orc", "{warehouse}/input-orc/churn");
        PipelineInput.forDate(spark, parquet, warehouse, D).write().format("delta")
                .save(warehouseDir.resolve("input-delta/churn").toUri().toString());
        PipelineInput.forDate(spark, parquet, warehouse, D).write().partitionBy("event_date")
                .orc(warehouseDir.resolve("input-orc/churn").toUri().toString());
        // a copy of the Parquet night's files for input.cache: always (the same files would share Spark's cache entry)
        PipelineInput.forDate(spark, parquet, warehouse, D).write().partitionBy("event_date")
                .parquet(warehouseDir.resolve("input-copy/churn").toUri().toString());
        DbRows.applySpec(db, parquet);
        ModelRegistry.Registered registered = TrainJob.run(spark, new TrainArgs(PIPELINE, 1, D.minusDays(1), warehouse,
                DbRows.insertRun(db, PIPELINE, D.minusDays(1))), db);
        ModelVersion model;
        try (Connection c = db.connect()) {
            model = ModelRegistry.findVerified(c, spark.sparkContext().hadoopConfiguration(), registered.id(), PIPELINE);
        }
        ReferenceProfile profile = ReferenceProfile.readIfPresent(spark.sparkContext().hadoopConfiguration(), model.artifactUri(),
                model.version()).orElseThrow();

        // when the night is validated from the Parquet files and from the Delta table
        NightValidation.Outcome files = validate(parquet, warehouse, model, profile);
        NightValidation.Outcome cached = validate(delta, warehouse, model, profile);
        NightValidation.Outcome orcFiles = validate(orc, warehouse, model, profile);
        NightValidation.Outcome parquetCached = validate(spec("parquet", "{warehouse}/input-copy/churn", "always"), warehouse, model,
                profile);
        try {
            // (with input.cache: always, the Parquet night is read once into the cache, like the Delta one)
            assertThat(parquetCached.readsFilesAgain()).isFalse();
            assertThat(parquetCached.flags().input().storageLevel()).isEqualTo(StorageLevel.MEMORY_AND_DISK());
            assertThat(parquetCached.counts()).isEqualTo(cached.counts());
            assertThat(reasons(parquetCached.flagged())).isEqualTo(reasons(cached.flagged()));
            assertThat(validIds(parquetCached.flagged())).isEqualTo(validIds(cached.flagged()));

            // (ORC files take the same path as Parquet, through Spark's ORC column batches)
            assertThat(orcFiles.readsFilesAgain()).isTrue();
            assertThat(orcFiles.counts()).isEqualTo(cached.counts());
            assertThat(reasons(orcFiles.flagged())).isEqualTo(reasons(cached.flagged()));
            assertThat(validIds(orcFiles.flagged())).isEqualTo(validIds(cached.flagged()));

            // then the Parquet night reads its files again and caches nothing; the Delta night is cached
            assertThat(files.readsFilesAgain()).isTrue();
            assertThat(files.flags().input().storageLevel()).isEqualTo(StorageLevel.NONE());
            assertThat(cached.readsFilesAgain()).isFalse();
            assertThat(cached.flags().input().storageLevel()).isEqualTo(StorageLevel.MEMORY_AND_DISK());

            // and both give the same counts, the same quarantined rows with their reasons and the same valid rows
            assertThat(files.counts()).isEqualTo(cached.counts());
            assertThat(files.counts().rows()).isEqualTo(CUSTOMERS + 1);
            assertThat(files.counts().quarantined()).isEqualTo(6);
            assertThat(reasons(files.flagged())).hasSize(6).isEqualTo(reasons(cached.flagged()));
            assertThat(validIds(files.flagged())).hasSize(CUSTOMERS - 5).isEqualTo(validIds(cached.flagged()));

            // and the files are as the pass listed them, until one is rewritten in place, then removed
            files.requireInputUnchanged("input of " + D);
            cached.requireInputUnchanged("input of " + D);
            Path file;
            try (Stream<Path> listed = Files.list(warehouseDir.resolve("input/churn/event_date=" + D))) {
                file = listed.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
            }
            Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 60_000));
            assertThatThrownBy(() -> files.requireInputUnchanged("input of " + D))
                    .isInstanceOf(InputValidationException.class)
                    .hasMessageStartingWith("input of " + D + " changed while the night read it: file ")
                    .hasMessageContaining(file.getFileName().toString())
                    .hasMessageContaining("rerun the night");
            Files.delete(file);
            assertThatThrownBy(() -> files.requireInputUnchanged("input of " + D))
                    .hasMessageContaining(file.getFileName() + " is gone");
        } finally {
            files.release();
            cached.release();
            orcFiles.release();
            parquetCached.release();
        }
    }

    private static NightValidation.Outcome validate(PipelineSpec spec, String warehouse, ModelVersion model, ReferenceProfile profile)
            throws Exception {
        Dataset<Row> raw = PipelineInput.forDate(spark, spec, warehouse, D);
        return NightValidation.run(db, spec, model, DataContract.of(spec, model.features(), profile), raw, warehouse, D,
                DbRows.insertRun(db, PIPELINE, D), PipelineInput.describe(spec, warehouse, D));
    }

    private static List<String> reasons(Dataset<Row> flagged) {
        return flagged.where(col(Columns.REASONS).isNotNull())
                .select(concat_ws("=", col("customer_id"), concat_ws(",", col(Columns.REASONS))).as("r"))
                .orderBy("r").collectAsList().stream().map(r -> r.getString(0)).toList();
    }

    private static List<String> validIds(Dataset<Row> flagged) {
        return RowChecks.valid(flagged).select(col("customer_id")).orderBy("customer_id").collectAsList().stream()
                .map(r -> r.getString(0)).toList();
    }

    private static PipelineSpec.Feature numeric(String name) {
        return new PipelineSpec.Feature(name, FeatureType.NUMERIC, 0.0, null, false);
    }

    private static PipelineSpec.Feature categorical(String name) {
        return new PipelineSpec.Feature(name, FeatureType.CATEGORICAL, null, null, false);
    }
}
