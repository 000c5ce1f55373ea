package dev.nightshift.scoring;

import dev.nightshift.contract.Columns;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.ScoreArgs;
import dev.nightshift.contract.Tables;
import dev.nightshift.contract.Task;
import dev.nightshift.contract.Warehouse;
import dev.nightshift.drift.CurrentProfile;
import dev.nightshift.drift.NightSummaries;
import dev.nightshift.drift.Profiling;
import dev.nightshift.drift.ReferenceProfile;
import dev.nightshift.input.InputFrames;
import dev.nightshift.input.PipelineInput;
import dev.nightshift.privacy.IdPseudonymization;
import dev.nightshift.registry.ModelRegistry;
import dev.nightshift.registry.ModelVersion;
import dev.nightshift.registry.RunRows;
import dev.nightshift.registry.SpecStore;
import dev.nightshift.scoring.compiled.Scoring;
import dev.nightshift.spark.DbConfig;
import dev.nightshift.spark.JobMain;
import dev.nightshift.validation.DataContract;
import dev.nightshift.validation.NightValidation;
import dev.nightshift.validation.RowChecks;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.apache.spark.sql.functions.col;

/**
 * Validates and scores one business date of a pipeline with one registered model version: verifies the model
 * artifact against its registered manifest, validates the night's input ({@link NightValidation}: rows failing a
 * check go to the quarantine table, every check to {@code nightshift.data_quality}, a failed dataset-level gate fails
 * the run here), scores the valid rows, replaces the date in the warehouse Delta table and then in
 * {@code nightshift.predictions}, and records the row count on the run. Validation runs in this application rather
 * than in one of its own to save a Spark application start-up per night. A failure after validation and before the
 * Delta commit leaves the predictions unchanged (the night's quarantine and data_quality rows are already replaced);
 * a crash between the Delta commit and the PostgreSQL commit leaves Delta with the new night and PostgreSQL with the
 * old one until the step is rerun. With a challenger, the same valid rows are then scored in shadow ({@link #shadow}).
 */
public final class ScoreJob {

    private static final Logger log = LoggerFactory.getLogger(ScoreJob.class);

    private ScoreJob() {
    }

    public static void main(String[] args) {
        JobMain.run("nightshift-score", args, ScoreArgs::parse, (spark, a) -> run(spark, a, DbConfig.fromEnv()));
    }

    /** Returns the number of prediction rows landed. */
    public static long run(SparkSession spark, ScoreArgs args, DbConfig db) throws Exception {
        return run(spark, args, db, false).published();
    }

    /**
     * The rows landed and, when the night's drift was asked for, its drift summaries ({@code drift}; null when not
     * asked for or when the model has no reference profile, in which case DriftJob reports that itself).
     */
    public record Result(long published, NightSummaries drift) {
    }

    /**
     * Scores the night; with {@code profileForDrift}, also summarizes it for {@link dev.nightshift.drift.DriftJob} over
     * rows this job holds anyway: the input profile in the same pass as the validation counts, over the cached
     * input, and the prediction profile in one pass over the cached scored rows, after the count that fills that cache.
     */
    public static Result run(SparkSession spark, ScoreArgs args, DbConfig db, boolean profileForDrift) throws Exception {
        PipelineSpec spec;
        ModelVersion model;
        var conf = spark.sparkContext().hadoopConfiguration();
        try (Connection c = db.connect()) {
            spec = SpecStore.load(c, args.pipeline(), args.specVersion());
            RunRows.require(c, args.runId(), args.pipeline());
            model = ModelRegistry.findVerified(c, conf, args.modelVersionId(), args.pipeline());
        }
        ReferenceProfile profile = ReferenceProfile.readIfPresent(conf, model.artifactUri(), model.version()).orElse(null);
        if (profile == null) {
            log.warn("{} {}: model v{} has no {}: unseen categories are not checked", args.pipeline(), args.businessDate(),
                    model.version(), ReferenceProfile.FILE_NAME);
        }
        log.info("{} {}: model v{} artifact verified against its manifest", args.pipeline(), args.businessDate(), model.version());

        // Pseudonymized before anything else sees the rows: quarantine and predictions only ever hold the pseudonym.
        Dataset<Row> raw = IdPseudonymization.apply(spec, PipelineInput.forDate(spark, spec, args.warehouse(), args.businessDate()),
                spec.input().idColumn());
        dev.nightshift.spark.CodeGeneration.interpretIfSmall(spark, raw, args.pipeline() + " " + args.businessDate());
        // A feature named like the validation reasons column cannot be profiled beside it: DriftJob re-reads then.
        ReferenceProfile driftReference = profileForDrift && profile != null
                && model.features().stream().noneMatch(f -> f.name().equals(Columns.REASONS)) ? profile : null;
        NightValidation.Outcome validated = NightValidation.run(db, spec, model, DataContract.of(spec, model.features(), profile), raw,
                args.warehouse(), args.businessDate(), args.runId(), PipelineInput.describe(spec, args.warehouse(), args.businessDate()),
                driftReference == null ? null : Profiling.Request.of(model.features(), driftReference));
        try {
            Scored scored = score(spark, args, db, spec, model, validated, driftReference);
            shadow(spark, args, db, spec, validated);
            return new Result(scored.published(), driftReference == null ? null
                    : new NightSummaries(model.id(), driftReference, validated.inputProfile(), scored.prediction()));
        } finally {
            validated.release();
        }
    }

    /**
     * Scores the night's valid rows with the challenger, if the run names one, into the shadow Delta table (never the
     * published predictions), so that its live metrics accrue beside the champion's. Without a challenger, a re-run
     * removes the date's earlier shadow rows: a night's shadow rows are always those of its last run. Runs after the
     * champion's predictions are published, so a broken challenger fails the step without touching them.
     */
    static void shadow(SparkSession spark, ScoreArgs args, DbConfig db, PipelineSpec spec, NightValidation.Outcome validated)
            throws Exception {
        String table = Warehouse.shadowPredictions(args.warehouse(), args.pipeline());
        if (args.challengerVersionId() == null) {
            if (io.delta.tables.DeltaTable.isDeltaTable(spark, table)) {
                io.delta.tables.DeltaTable.forPath(spark, table).delete(
                        org.apache.spark.sql.functions.col(dev.nightshift.contract.Columns.BUSINESS_DATE).equalTo(
                                org.apache.spark.sql.functions.lit(args.businessDate())));
            }
            return;
        }
        ModelVersion challenger;
        try (Connection c = db.connect()) {
            challenger = ModelRegistry.findVerified(c, spark.sparkContext().hadoopConfiguration(), args.challengerVersionId(),
                    args.pipeline());
        }
        Dataset<Row> input = InputFrames.toModelFrame(RowChecks.valid(validated.flagged()), spec.input().idColumn(), challenger.features());
        Predictions.Stamp stamp = new Predictions.Stamp(args.pipeline(), args.businessDate(), challenger.id(), args.runId(),
                Instant.now().truncatedTo(ChronoUnit.MICROS));
        Dataset<Row> predictions = Scoring.predictions(PipelineModel.load(challenger.artifactUri()), input, challenger.task(),
                spec.model() == null ? 0.5 : spec.model().threshold(), stamp);
        DeltaPredictions.replaceDate(predictions, table, args.businessDate());
        // read from the input files again (no cache): fails the step, for a re-run, if they changed since the pass
        validated.requireInputUnchanged(PipelineInput.describe(spec, args.warehouse(), args.businessDate()));
        log.info("{} {}: challenger v{} scored in shadow into {}", args.pipeline(), args.businessDate(), challenger.version(), table);
    }

    private record Scored(long published, CurrentProfile prediction) {
    }

    private static Scored score(SparkSession spark, ScoreArgs args, DbConfig db, PipelineSpec spec, ModelVersion model,
                                NightValidation.Outcome validated, ReferenceProfile driftReference) throws Exception {
        Dataset<Row> input = InputFrames.toModelFrame(RowChecks.valid(validated.flagged()), spec.input().idColumn(), model.features());
        PipelineModel pipelineModel = PipelineModel.load(model.artifactUri());
        Predictions.Stamp stamp = new Predictions.Stamp(args.pipeline(), args.businessDate(), model.id(), args.runId(),
                Instant.now().truncatedTo(ChronoUnit.MICROS));
        Dataset<Row> predictions = Scoring.predictions(pipelineModel, input, model.task(), spec.model() == null ? 0.5 : spec.model().threshold(), stamp);

        String table = Warehouse.predictions(args.warehouse(), args.pipeline());
        // Scored once, written twice: staging first so that only the two commits (Delta, then PostgreSQL) are left
        // between "nothing changed" and "both changed".
        predictions = predictions.persist(StorageLevel.MEMORY_AND_DISK());
        try {
            // With drift asked for, the scored rows are profiled (drift's prediction row) after the count that fills the cache.
            CurrentProfile prediction = driftReference == null ? null : Profiling.current(
                    predictions.select(col(model.task() == Task.BINARY_CLASSIFICATION ? Columns.SCORE : Columns.PREDICTION)
                            .as(driftReference.prediction().name()), col(Columns.ENTITY_ID)), List.of(driftReference.prediction()), List.of());
            long rows = prediction == null ? predictions.count() : prediction.rows();
            log.info("{} {}: {} rows scored", args.pipeline(), args.businessDate(), rows);
            // The scored rows are cached now: when they were read from the input files again, those must be the files
            // the validation pass counted, or the night would publish rows it never checked.
            validated.requireInputUnchanged(PipelineInput.describe(spec, args.warehouse(), args.businessDate()));
            if (rows != validated.counts().valid()) {
                throw new IllegalStateException(args.pipeline() + " " + args.businessDate() + ": " + rows
                        + " rows scored where validation counted " + validated.counts().valid() + " valid rows");
            }
            PostgresPredictions.stage(predictions, db, stamp);
            log.info("{} {}: staged in {}", args.pipeline(), args.businessDate(), PostgresPredictions.stagingTable(args.runId()));
            DeltaPredictions.replaceDate(predictions, table, args.businessDate());
            log.info("{} {}: replaced in Delta table {}", args.pipeline(), args.businessDate(), table);
            long published = PostgresPredictions.publish(db, args.pipeline(), args.businessDate(), model.id(), args.runId(), rows);
            log.info("{} {}: {} rows published to {}", args.pipeline(), args.businessDate(), published, Tables.PREDICTIONS);
            return new Scored(published, prediction);
        } finally {
            predictions.unpersist();
        }
    }
}
