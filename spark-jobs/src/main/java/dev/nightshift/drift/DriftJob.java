package dev.nightshift.drift;

import dev.nightshift.contract.Columns;
import dev.nightshift.contract.DriftArgs;
import dev.nightshift.contract.DriftPolicy;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.Tables;
import dev.nightshift.contract.Task;
import dev.nightshift.contract.Warehouse;
import dev.nightshift.input.InputFrames;
import dev.nightshift.input.InputValidationException;
import dev.nightshift.input.PipelineInput;
import dev.nightshift.registry.ModelRegistry;
import dev.nightshift.registry.ModelVersion;
import dev.nightshift.registry.RunRows;
import dev.nightshift.registry.SpecStore;
import dev.nightshift.scoring.DeltaPredictions;
import dev.nightshift.spark.DbConfig;
import dev.nightshift.spark.JobMain;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * Measures one business date's drift against the reference profile of the model version that scored it: verifies
 * the model artifact (its manifest covers {@code profile.json}), summarizes the night's input in one pass and
 * its predictions (Delta table) in another ({@link OnePass}), computes every statistic and replaces the night's rows of
 * {@code nightshift.feature_drift} in one transaction. Inside NightJob both summaries come from the score step
 * ({@link NightSummaries}: computed in the validation pass and over the cached scored rows), so neither is read again. The
 * input is profiled whole, rows quarantined by validation included. Fails, writing nothing, if the artifact was
 * tampered with, the input is empty or lacks a model column, or the night has not been scored by that model version.
 */
public final class DriftJob {

    private static final Logger log = LoggerFactory.getLogger(DriftJob.class);

    private DriftJob() {
    }

    public static void main(String[] args) {
        JobMain.run("nightshift-drift", args, DriftArgs::parse, (spark, a) -> run(spark, a, DbConfig.fromEnv()));
    }

    /**
     * NaN and ±Infinity in numeric features become nulls: for drift they are missing values (counted in the null rate),
     * not points of the distribution.
     */
    static Dataset<Row> nonFiniteAsNull(Dataset<Row> input, List<dev.nightshift.registry.ModelFeature> features) {
        Dataset<Row> out = input;
        for (dev.nightshift.registry.ModelFeature f : features) {
            if (f.type() == dev.nightshift.contract.FeatureType.NUMERIC) {
                org.apache.spark.sql.Column c = org.apache.spark.sql.functions.col(f.name());
                out = out.withColumn(f.name(), org.apache.spark.sql.functions.when(org.apache.spark.sql.functions.isnan(c)
                        .or(c.isin(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)), org.apache.spark.sql.functions.lit(null)
                        .cast("double")).otherwise(c));
            }
        }
        return out;
    }

    /** Returns the rows written. */
    public static List<DriftResult> run(SparkSession spark, DriftArgs args, DbConfig db) throws Exception {
        return run(spark, args, db, null);
    }

    /**
     * Like {@link #run(SparkSession, DriftArgs, DbConfig)}, but with the night's input and prediction summaries the
     * score step already computed over its cached rows ({@code scored}, nullable), if they were computed for the model
     * version and reference profile verified here; otherwise (or when null) it reads the input and the predictions.
     * Returns the rows written.
     */
    public static List<DriftResult> run(SparkSession spark, DriftArgs args, DbConfig db, NightSummaries scored) throws Exception {
        PipelineSpec spec;
        ModelVersion model;
        var conf = spark.sparkContext().hadoopConfiguration();
        try (Connection c = db.connect()) {
            spec = SpecStore.load(c, args.pipeline(), args.specVersion());
            RunRows.require(c, args.runId(), args.pipeline());
            model = ModelRegistry.findVerified(c, conf, args.modelVersionId(), args.pipeline());
        }
        DriftPolicy policy = policy(spec);
        ReferenceProfile reference = ReferenceProfile.read(conf, model.artifactUri(), model.version());
        log.info("{} {}: model v{} artifact and reference profile verified", args.pipeline(), args.businessDate(), model.version());

        boolean reuse = scored != null && scored.usableFor(model.id(), reference);
        CurrentProfile current;
        if (reuse) {
            current = scored.input();
        } else {
            Dataset<Row> raw = PipelineInput.forDate(spark, spec, args.warehouse(), args.businessDate());
            // Drift describes the night's input as it arrived, quarantined rows included (their nulls and unseen
            // categories are part of the shift); validation, not this job, decides which rows are scored.
            InputFrames.checkSchema(raw.schema(), spec.input().idColumn(), model.features());
            // files Spark reads as column batches (Parquet, Delta): one read of the columns the profile needs, after a
            // count from their metadata; otherwise cached, so that the profile's row count and its pass read the night once
            Optional<CurrentProfile> read = ColumnarPass.profile(raw, spec.input().idColumn(), model.features(),
                    reference.numeric(), reference.categorical());
            if (read.isPresent()) {
                current = read.get();
            } else {
                Dataset<Row> input = Profiling.nightFrame(raw, spec.input().idColumn(), model.features()).persist(StorageLevel.MEMORY_AND_DISK());
                try {
                    current = Profiling.current(input, reference.numeric(), reference.categorical());
                } finally {
                    input.unpersist();
                }
            }
        }
        if (current.rows() == 0) {
            throw new InputValidationException("no input rows for business date " + args.businessDate() + " in "
                    + PipelineInput.describe(spec, args.warehouse(), args.businessDate()));
        }
        log.info("{} {}: {} input rows summarized{}", args.pipeline(), args.businessDate(), current.rows(),
                reuse ? " (in the validation pass of the score step)" : "");

        CurrentProfile.NumericSummary prediction = reuse ? scoredPrediction(args, model, reference, scored.prediction())
                : predictionSummary(spark, args, model, reference);
        // pii features have no reference profile (TrainJob leaves them out) and get no drift rows
        List<DriftResult> rows = DriftCalculator.compute(dev.nightshift.privacy.PiiColumns.withoutPii(spec, model.features()), reference,
                current, prediction, policy);
        try (Connection c = db.connect()) {
            FeatureDriftTable.replace(c, args.pipeline(), args.businessDate(), model.id(), args.runId(), rows,
                    Instant.now().truncatedTo(ChronoUnit.MICROS));
        }
        DriftResult dataset = rows.get(rows.size() - 1);
        log.info("{} {}: drift share {} (max {}), dataset drift {}; {} rows written to {}", args.pipeline(), args.businessDate(),
                dataset.statistic(), dataset.threshold(), dataset.drifted(), rows.size(), Tables.FEATURE_DRIFT);
        return rows;
    }

    /** The spec's drift policy; a spec without one gets the defaults (the orchestrator decides whether to run this job). */
    static DriftPolicy policy(PipelineSpec spec) {
        DriftPolicy p = spec.monitoring() == null ? null : spec.monitoring().drift();
        return p != null ? p : new DriftPolicy(null, null, null, null, null);
    }

    private static CurrentProfile.NumericSummary scoredPrediction(DriftArgs args, ModelVersion model, ReferenceProfile reference,
                                                                  CurrentProfile summary) {
        if (summary.rows() == 0) {
            throw new InputValidationException("no predictions of model version id " + model.id() + " for " + args.businessDate()
                    + " in " + Warehouse.predictions(args.warehouse(), args.pipeline()) + "; score the date with that version first");
        }
        return summary.numeric().get(reference.prediction().name());
    }

    private static CurrentProfile.NumericSummary predictionSummary(SparkSession spark, DriftArgs args, ModelVersion model,
                                                                   ReferenceProfile reference) throws java.io.IOException {
        String table = Warehouse.predictions(args.warehouse(), args.pipeline());
        Path log = new Path(table, "_delta_log");
        if (!log.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(log)) {
            throw new InputValidationException("no predictions table at " + table + "; score " + args.businessDate() + " first");
        }
        String column = model.task() == Task.BINARY_CLASSIFICATION ? Columns.SCORE : Columns.PREDICTION;
        Dataset<Row> predictions = DeltaPredictions.readDate(spark, table, args.businessDate())
                .where(col(Columns.MODEL_VERSION_ID).equalTo(lit(model.id())))
                .select(col(column).as(reference.prediction().name()), col(Columns.ENTITY_ID));
        predictions = predictions.persist(StorageLevel.MEMORY_AND_DISK());
        CurrentProfile summary;
        try {
            summary = Profiling.current(predictions, List.of(reference.prediction()), List.of());
        } finally {
            predictions.unpersist();
        }
        if (summary.rows() == 0) {
            throw new InputValidationException("no predictions of model version id " + model.id() + " for " + args.businessDate()
                    + " in " + table + "; score the date with that version first");
        }
        return summary.numeric().get(reference.prediction().name());
    }
}
