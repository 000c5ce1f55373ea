package dev.nightshift.training;

import dev.nightshift.contract.Columns;
import dev.nightshift.contract.JobEnvironment;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.Task;
import dev.nightshift.contract.TrainArgs;
import dev.nightshift.drift.Profiling;
import dev.nightshift.drift.ReferenceProfile;
import dev.nightshift.input.InputFrames;
import dev.nightshift.input.PipelineInput;
import dev.nightshift.registry.ArtifactManifest;
import dev.nightshift.registry.ModelFeature;
import dev.nightshift.registry.ModelRegistry;
import dev.nightshift.registry.NewModelVersion;
import dev.nightshift.registry.RunRows;
import dev.nightshift.registry.SpecStore;
import dev.nightshift.scoring.Predictions;
import dev.nightshift.spark.DbConfig;
import dev.nightshift.spark.JobMain;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Map;


/**
 * Trains a pipeline's model on the labelled history known as of a date, evaluates it on a time-based holdout,
 * saves it with a checksum manifest under the warehouse and registers it in {@code nightshift.model_versions}
 * with {@code created_by_run} = the run id. The model directory also holds the drift reference profile of the
 * training rows ({@code profile.json}), covered by the manifest.
 */
public final class TrainJob {

    private static final Logger log = LoggerFactory.getLogger(TrainJob.class);

    private TrainJob() {
    }

    public static void main(String[] args) {
        JobMain.run("nightshift-train", args, TrainArgs::parse, (spark, a) -> run(spark, a, DbConfig.fromEnv()));
    }

    public static ModelRegistry.Registered run(SparkSession spark, TrainArgs args, DbConfig db) throws Exception {
        PipelineSpec spec;
        try (Connection c = db.connect()) {
            spec = SpecStore.load(c, args.pipeline(), args.specVersion());
            RunRows.require(c, args.runId(), args.pipeline());
        }
        if (spec.model() == null || spec.model().algorithm() == null) {
            throw new IllegalArgumentException("pipeline '" + spec.name() + "' spec v" + args.specVersion() + " has no model.algorithm");
        }
        if (spec.model().algorithm().task() != spec.task()) {
            throw new IllegalArgumentException("algorithm " + spec.model().algorithm().specName() + " is for "
                    + spec.model().algorithm().task().specName() + ", but pipeline '" + spec.name() + "' is " + spec.task().specName());
        }
        if (spec.groundTruth() == null) {
            throw new IllegalArgumentException("pipeline '" + spec.name() + "' spec v" + args.specVersion() + " has no groundTruth; cannot train");
        }
        List<ModelFeature> features = ModelPipelines.modelFeatures(spec);
        try (LabelledWindow data = LabelledWindow.load(spark, spec, features, args.warehouse(), args.asOf())) {
            HoldoutSplit split = data.split();
            Dataset<Row> train = data.train();
            Dataset<Row> holdout = data.holdout();
            long trainRows = data.trainRows();
            long holdoutRows = data.holdoutRows();
            log.info("{} as of {}: training on {} rows ({} .. {}), holdout {} rows ({} .. {})", spec.name(), args.asOf(),
                    trainRows, split.trainFrom(), split.trainTo(), holdoutRows, split.holdoutFrom(), split.holdoutTo());

            PipelineModel model;
            Map<String, Object> params = spec.model().params();
            Map<String, Object> tuning = null;
            if (spec.model().search() == null) {
                model = ModelPipelines.build(features, spec.model().algorithm(), params, spec.model().seed()).fit(train);
            } else {
                HyperparameterSearch.Result search = HyperparameterSearch.run(train, features, spec);
                model = search.model();
                params = search.params();
                tuning = search.summary(spec.model().search());
                log.info("{} as of {}: {} over {} combinations picked {} ({} {})", spec.name(), args.asOf(), search.method(),
                        search.candidates().size(), search.candidates().get(search.best()).params(), search.metric(),
                        search.candidates().get(search.best()).metric());
            }
            Dataset<Row> holdoutPredictions = model.transform(holdout).cache();
            HoldoutMetrics.Measured measured = HoldoutMetrics.measure(holdoutPredictions, spec.task(), spec.model().threshold(),
                    segments(spec));
            holdoutPredictions.unpersist();
            log.info("{} as of {}: {} holdout metrics {}", spec.name(), args.asOf(), spec.model().algorithm().specName(),
                    measured.metrics());
            HoldoutMetrics.Measured baseline = args.championVersionId() == null ? null
                    : championOnHoldout(spark, db, args.championVersionId(), args.asOf(), spec, features, holdout);
            String fingerprint = TrainingData.fingerprint(data.labelled());

            ReferenceProfile profile = referenceProfile(spec, features, train, model, args.asOf(), args.runId());
            log.info("{} as of {}: reference profile of {} training rows", spec.name(), args.asOf(), profile.rows());

            NewModelVersion version = new NewModelVersion(spec.name(), args.specVersion(), spec.task(), spec.model().algorithm(),
                    params, spec.model().seed(), features, split.trainFrom(), split.trainTo(), trainRows,
                    split.holdoutFrom(), split.holdoutTo(), holdoutRows, measured.metrics(), spark.version(),
                    System.getProperty("java.version"), nightshiftVersion(), args.runId(), args.championVersionId(),
                    baseline == null ? null : baseline.metrics(), fingerprint, tuning, NewModelVersion.TRAINED, null,
                    segmentsOrNull(measured), segmentsOrNull(baseline));
            ModelRegistry.Registered registered;
            try (Connection c = db.connect()) {
                registered = ModelRegistry.register(c, args.warehouse(), version, dir -> {
                    model.write().overwrite().save(dir);
                    // Before the manifest, so that the manifest's digest (stored in the registry) covers the profile.
                    profile.write(spark.sparkContext().hadoopConfiguration(), dir);
                    return ArtifactManifest.write(spark.sparkContext().hadoopConfiguration(), dir);
                });
            }
            log.info("{}: registered model v{} (id {}) at {}", spec.name(), registered.version(), registered.id(), registered.artifactUri());
            return registered;
        }
    }

    /**
     * The champion's metrics on the candidate's holdout rows, computed by the same code as the candidate's: the
     * promotion gate compares like with like. Null (and logged) when the champion was trained on other features
     * than the spec now has, since it then cannot score the candidate's frame.
     */
    static HoldoutMetrics.Measured championOnHoldout(SparkSession spark, DbConfig db, long championVersionId, java.time.LocalDate asOf,
                                                 PipelineSpec spec, List<ModelFeature> features, Dataset<Row> holdout) throws Exception {
        dev.nightshift.registry.ModelVersion champion;
        try (Connection c = db.connect()) {
            champion = ModelRegistry.findVerified(c, spark.sparkContext().hadoopConfiguration(), championVersionId, spec.name());
        }
        if (!champion.features().equals(features)) {
            log.warn("{} as of {}: champion v{} was trained on features {}, the spec now has {}; it cannot be compared on this"
                    + " holdout", spec.name(), asOf, champion.version(), champion.features(), features);
            return null;
        }
        Dataset<Row> predictions = PipelineModel.load(champion.artifactUri()).transform(holdout).cache();
        try {
            HoldoutMetrics.Measured measured = HoldoutMetrics.measure(predictions, spec.task(), spec.model().threshold(),
                    segments(spec));
            log.info("{} as of {}: champion v{} on the same holdout {}", spec.name(), asOf, champion.version(), measured.metrics());
            return measured;
        } finally {
            predictions.unpersist();
        }
    }

    /**
     * The drift reference: the training rows' feature distributions and the model's own outputs on them
     * ({@code score} for classification, {@code prediction} for regression, computed as scoring computes them).
     */
    static ReferenceProfile referenceProfile(PipelineSpec spec, List<ModelFeature> features, Dataset<Row> train,
                                             PipelineModel model, java.time.LocalDate asOf, long runId) {
        int bins = spec.monitoring() != null && spec.monitoring().drift() != null ? spec.monitoring().drift().bins() : 10;
        String outputColumn = spec.task() == Task.BINARY_CLASSIFICATION ? Columns.SCORE : Columns.PREDICTION;
        Predictions.Stamp stamp = new Predictions.Stamp(spec.name(), asOf, 0L, runId, Instant.EPOCH);
        Dataset<Row> outputs = Predictions.from(model.transform(train), spec.task(), spec.model().threshold(), stamp)
                .select(outputColumn).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            // pii features feed the model but are not profiled: profile.json would hold their quantiles and categories
            return Profiling.reference(train, dev.nightshift.privacy.PiiColumns.withoutPii(spec, features), bins, outputs, outputColumn);
        } finally {
            outputs.unpersist();
        }
    }

    /** The spec's segment columns ({@code monitoring.segments}), empty when it names none. */
    static List<String> segments(PipelineSpec spec) {
        return spec.monitoring() == null ? List.of() : spec.monitoring().segments();
    }

    /** What the registry stores per segment: null when nothing was measured (no segments, or no champion). */
    static Map<String, Map<String, Map<String, Double>>> segmentsOrNull(HoldoutMetrics.Measured measured) {
        return measured == null || measured.segments().isEmpty() ? null : measured.segments();
    }

    /** {@code NIGHTSHIFT_VERSION} if the orchestrator set it, else the job jar's Implementation-Version, else "dev". */
    static String nightshiftVersion() {
        String env = System.getenv(JobEnvironment.VERSION);
        if (env != null && !env.isBlank()) {
            return env;
        }
        String jar = TrainJob.class.getPackage().getImplementationVersion();
        return jar == null ? "dev" : jar;
    }
}
