package dev.nightshift.training;

import dev.nightshift.contract.Algorithm;
import dev.nightshift.contract.FeatureType;
import dev.nightshift.contract.ImportArgs;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.Task;
import dev.nightshift.drift.ReferenceProfile;
import dev.nightshift.registry.ArtifactManifest;
import dev.nightshift.registry.ModelFeature;
import dev.nightshift.registry.ModelRegistry;
import dev.nightshift.registry.NewModelVersion;
import dev.nightshift.registry.SpecStore;
import dev.nightshift.spark.DbConfig;
import dev.nightshift.spark.JobMain;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.classification.RandomForestClassificationModel;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.regression.GBTRegressionModel;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Registers a Spark MLlib model trained elsewhere (a notebook's saved {@code PipelineModel}, or an MLflow model with the
 * {@code spark} flavor) as a new version of a pipeline: checks that the columns it reads are features of the spec, of
 * the right type; measures it on the holdout of the spec's labelled window as of a date, beside the champion on the
 * same rows; profiles that window's training dates as its drift reference; and copies it into the registry with a
 * checksum manifest, {@code source = imported} and where it came from. It never gets an alias here: the orchestrator
 * applies the promotion gate and at most makes it the challenger.
 */
public final class ImportJob {

    private static final Logger log = LoggerFactory.getLogger(ImportJob.class);
    private static final Map<Class<?>, Algorithm> ALGORITHMS = Map.of(
            LogisticRegressionModel.class, Algorithm.LOGISTIC_REGRESSION,
            GBTClassificationModel.class, Algorithm.GBT_CLASSIFIER,
            RandomForestClassificationModel.class, Algorithm.RANDOM_FOREST_CLASSIFIER,
            LinearRegressionModel.class, Algorithm.LINEAR_REGRESSION,
            GBTRegressionModel.class, Algorithm.GBT_REGRESSOR);
    private static final Pattern YAML_KEY = Pattern.compile("^(\\s*)([A-Za-z0-9_]+):\\s*(.*?)\\s*$");
    private static final List<String> INPUT_PARAMS = List.of("inputCol", "inputCols", "featuresCol");
    private static final List<String> OUTPUT_PARAMS = List.of("outputCol", "outputCols", "predictionCol", "probabilityCol",
            "rawPredictionCol", "varianceCol", "leafCol");

    private ImportJob() {
    }

    public static void main(String[] args) {
        JobMain.run("nightshift-import", args, ImportArgs::parse, (spark, a) -> run(spark, a, DbConfig.fromEnv()));
    }

    public static ModelRegistry.Registered run(SparkSession spark, ImportArgs args, DbConfig db) throws Exception {
        PipelineSpec spec;
        try (Connection c = db.connect()) {
            spec = SpecStore.load(c, args.pipeline(), args.specVersion());
        }
        if (spec.groundTruth() == null || spec.model() == null) {
            throw new IllegalArgumentException("pipeline '" + spec.name() + "' spec v" + args.specVersion()
                    + " has no groundTruth or model section; an imported model is measured on the spec's labelled holdout");
        }
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        String modelDir = modelDirectory(conf, args.source());
        PipelineModel model;
        try {
            model = PipelineModel.load(modelDir);
        } catch (Exception e) {
            throw new IllegalArgumentException(modelDir + " is not a Spark MLlib PipelineModel that this Spark " + spark.version()
                    + " can load: " + e.getMessage(), e);
        }
        Transformer last = model.stages()[model.stages().length - 1];
        Algorithm algorithm = algorithm(last, args.source());
        if (algorithm.task() != spec.task()) {
            throw new IllegalArgumentException(args.source() + " ends in a " + algorithm.specName() + " model, which is for "
                    + algorithm.task().specName() + "; pipeline '" + spec.name() + "' is " + spec.task().specName());
        }
        List<ModelFeature> features = features(model, spec, args.source());
        log.info("{}: {} is a {} reading {}", spec.name(), args.source(), algorithm.specName(), features);

        // The frame carries every model feature of the spec, so that the champion can be measured on the same rows.
        List<ModelFeature> specFeatures = ModelPipelines.modelFeatures(spec);
        try (LabelledWindow data = LabelledWindow.load(spark, spec, specFeatures, args.warehouse(), args.asOf())) {
            Dataset<Row> holdoutPredictions = model.transform(data.holdout()).cache();
            HoldoutMetrics.Measured measured;
            try {
                String needed = spec.task() == Task.BINARY_CLASSIFICATION ? "probability" : "prediction";
                if (!Arrays.asList(holdoutPredictions.columns()).contains(needed)) {
                    throw new IllegalArgumentException(args.source() + " does not output a '" + needed + "' column, which "
                            + spec.task().specName() + " scoring reads; its output columns: " + String.join(", ", holdoutPredictions.columns()));
                }
                measured = HoldoutMetrics.measure(holdoutPredictions, spec.task(), spec.model().threshold(), TrainJob.segments(spec));
            } finally {
                holdoutPredictions.unpersist();
            }
            log.info("{} as of {}: imported model on the holdout {}", spec.name(), args.asOf(), measured.metrics());
            HoldoutMetrics.Measured baseline = args.championVersionId() == null ? null
                    : TrainJob.championOnHoldout(spark, db, args.championVersionId(), args.asOf(), spec, specFeatures, data.holdout());
            ReferenceProfile profile = TrainJob.referenceProfile(spec, features, data.train(), model, args.asOf(), 0L);
            HoldoutSplit split = data.split();
            NewModelVersion version = new NewModelVersion(spec.name(), args.specVersion(), spec.task(), algorithm, params(last, algorithm),
                    seed(last), features, split.trainFrom(), split.trainTo(), data.trainRows(), split.holdoutFrom(), split.holdoutTo(),
                    data.holdoutRows(), measured.metrics(), spark.version(), System.getProperty("java.version"), TrainJob.nightshiftVersion(),
                    null, args.championVersionId(), baseline == null ? null : baseline.metrics(), TrainingData.fingerprint(data.labelled()),
                    null, NewModelVersion.IMPORTED, args.source(), TrainJob.segmentsOrNull(measured), TrainJob.segmentsOrNull(baseline));
            ModelRegistry.Registered registered;
            try (Connection c = db.connect()) {
                registered = ModelRegistry.register(c, args.warehouse(), version, dir -> {
                    model.write().overwrite().save(dir);
                    profile.write(conf, dir);
                    return ArtifactManifest.write(conf, dir);
                });
            }
            log.info("{}: imported {} as model v{} (id {})", spec.name(), args.source(), registered.version(), registered.id());
            return registered;
        }
    }

    /**
     * The PipelineModel directory of {@code source}: the directory itself when it holds MLlib's {@code metadata/}, or,
     * for an MLflow model directory ({@code MLmodel} file), the {@code spark} flavor's {@code model_data} folder.
     */
    static String modelDirectory(Configuration conf, String source) throws java.io.IOException {
        Path root = new Path(source);
        FileSystem fs = root.getFileSystem(conf);
        if (!fs.exists(root)) {
            throw new IllegalArgumentException(source + " does not exist");
        }
        Path mlmodel = new Path(root, "MLmodel");
        if (fs.exists(mlmodel)) {
            String text;
            try (InputStream in = fs.open(mlmodel)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String data = mlflowSparkModelData(text, mlmodel.toString());
            return new Path(root, data).toString();
        }
        if (fs.exists(new Path(root, "metadata"))) {
            return root.toString();
        }
        throw new IllegalArgumentException(source + " is neither a Spark MLlib PipelineModel directory (metadata/, stages/) nor an"
                + " MLflow model directory (MLmodel)");
    }

    /** The {@code model_data} folder of the {@code spark} flavor in an MLflow {@code MLmodel} file (default {@code sparkml}). */
    static String mlflowSparkModelData(String mlmodel, String where) {
        List<String> flavors = new ArrayList<>();
        String modelData = null;
        boolean inFlavors = false;
        boolean inSpark = false;
        int flavorIndent = -1;
        for (String line : mlmodel.lines().toList()) {
            Matcher m = YAML_KEY.matcher(line);
            if (!m.matches()) {
                continue;
            }
            int indent = m.group(1).length();
            if (indent == 0) {
                inFlavors = m.group(2).equals("flavors");
                inSpark = false;
                continue;
            }
            if (!inFlavors) {
                continue;
            }
            if (flavorIndent < 0) {
                flavorIndent = indent;
            }
            if (indent == flavorIndent) {
                flavors.add(m.group(2));
                inSpark = m.group(2).equals("spark");
            } else if (inSpark && m.group(2).equals("model_data")) {
                modelData = m.group(3).replaceAll("^['\"]|['\"]$", "");
            }
        }
        if (!flavors.contains("spark")) {
            throw new IllegalArgumentException(where + " has no spark flavor" + (flavors.isEmpty() ? "" : " (flavors: "
                    + String.join(", ", flavors) + ")") + "; only Spark MLlib models can be imported");
        }
        return modelData == null || modelData.isEmpty() ? "sparkml" : modelData;
    }

    static Algorithm algorithm(Transformer last, String source) {
        Algorithm algorithm = ALGORITHMS.get(last.getClass());
        if (algorithm == null) {
            throw new IllegalArgumentException(source + " ends in " + last.getClass().getSimpleName() + "; expected one of: "
                    + ALGORITHMS.keySet().stream().map(Class::getSimpleName).sorted().toList());
        }
        return algorithm;
    }

    /**
     * The spec features the model reads, in spec order: the columns its stages read that no earlier stage produces. A
     * column read by a StringIndexer must be a categorical feature, any other a numeric one.
     */
    static List<ModelFeature> features(PipelineModel model, PipelineSpec spec, String source) {
        Set<String> produced = new HashSet<>();
        Map<String, FeatureType> needed = new LinkedHashMap<>();
        for (Transformer stage : model.stages()) {
            for (String in : columns(stage, INPUT_PARAMS)) {
                if (!produced.contains(in)) {
                    needed.putIfAbsent(in, stage instanceof StringIndexerModel ? FeatureType.CATEGORICAL : FeatureType.NUMERIC);
                }
            }
            produced.addAll(columns(stage, OUTPUT_PARAMS));
        }
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, FeatureType> n : needed.entrySet()) {
            PipelineSpec.Feature f = spec.feature(n.getKey());
            if (f == null || !f.type().isModelInput()) {
                problems.add("column '" + n.getKey() + "' is " + (f == null ? "not in the spec" : "a " + f.type().name().toLowerCase()
                        + " feature, which models never read") + "; expected a " + n.getValue().name().toLowerCase() + " feature");
            } else if (f.type() != n.getValue()) {
                problems.add("column '" + n.getKey() + "' is read as " + n.getValue().name().toLowerCase() + " but the spec declares it "
                        + f.type().name().toLowerCase());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(source + " does not fit pipeline '" + spec.name() + "': " + String.join("; ", problems));
        }
        if (needed.isEmpty()) {
            throw new IllegalArgumentException(source + " reads no input column that could be found in its stages' parameters");
        }
        return spec.modelFeatures().stream().filter(f -> needed.containsKey(f.name()))
                .map(f -> new ModelFeature(f.name(), f.type())).toList();
    }

    private static List<String> columns(Transformer stage, List<String> names) {
        List<String> out = new ArrayList<>();
        for (String name : names) {
            if (!stage.hasParam(name)) {
                continue;
            }
            Param<Object> p = stage.getParam(name);
            if (!stage.isDefined(p)) {
                continue;
            }
            Object v = stage.getOrDefault(p);
            if (v instanceof String s) {
                out.add(s);
            } else if (v instanceof String[] a) {
                out.addAll(List.of(a));
            }
        }
        return out;
    }

    /** The final model's values of the parameters a spec may set for its algorithm. */
    static Map<String, Object> params(Transformer last, Algorithm algorithm) {
        Map<String, Object> out = new TreeMap<>();
        for (String name : algorithm.params()) {
            if (last.hasParam(name)) {
                Param<Object> p = last.getParam(name);
                if (last.isDefined(p)) {
                    Object v = last.getOrDefault(p);
                    if (v instanceof Number || v instanceof String || v instanceof Boolean) {
                        out.put(name, v);
                    }
                }
            }
        }
        return out;
    }

    static long seed(Transformer last) {
        if (last.hasParam("seed")) {
            Param<Object> p = last.getParam("seed");
            if (last.isDefined(p) && last.getOrDefault(p) instanceof Long seed) {
                return seed;
            }
        }
        return 0L;
    }
}
