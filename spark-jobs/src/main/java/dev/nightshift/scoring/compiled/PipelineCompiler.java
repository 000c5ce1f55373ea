package dev.nightshift.scoring.compiled;

import dev.nightshift.contract.Task;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.DecisionTreeClassificationModel;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.classification.RandomForestClassificationModel;
import org.apache.spark.ml.feature.ImputerModel;
import org.apache.spark.ml.feature.OneHotEncoderModel;
import org.apache.spark.ml.feature.StandardScalerModel;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.regression.DecisionTreeRegressionModel;
import org.apache.spark.ml.regression.GBTRegressionModel;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.ml.regression.RandomForestRegressionModel;
import org.apache.spark.ml.tree.LeafNode;
import org.apache.spark.ml.tree.Node;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.objects.StaticInvoke;
import org.apache.spark.sql.classic.ExpressionUtils;
import org.apache.spark.sql.types.AbstractDataType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.negate;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.when;

/**
 * Translates a fitted {@link PipelineModel} (imputer, string indexer, one-hot encoder, vector assembler, standard
 * scaler, then a linear, tree or tree-ensemble model) into Spark SQL expressions that compute what MLlib's
 * {@code transform} computes, in the same floating-point order wherever MLlib's order is sequential. The first stage
 * without a translation yields a {@link Translation.Fallback}.
 */
public final class PipelineCompiler {

    private static final String PREFIX = "__nsc_";

    /** What an intermediate column holds. */
    private sealed interface Value {
    }

    /**
     * A double; {@code valid} when it can be neither null nor NaN, {@code indexBound} (else -1) when it is a category
     * index known to lie in {@code [0, indexBound]}.
     */
    private record Scalar(Column value, boolean valid, int indexBound) implements Value {
    }

    private record VectorValue(List<Slot> slots) implements Value {
    }

    private final StructType schema;
    private final Task task;
    private final Map<String, Value> values = new HashMap<>();
    private final List<Map<String, Column>> projections = new ArrayList<>();
    private int nextName;

    private PipelineCompiler(StructType schema, Task task) {
        this.schema = schema;
        this.task = task;
    }

    /** Compiles {@code model} for input rows of {@code schema}, predicting for {@code task}. */
    public static Translation compile(PipelineModel model, StructType schema, Task task) {
        List<Transformer> stages = new ArrayList<>();
        flatten(model, stages);
        PipelineCompiler compiler = new PipelineCompiler(schema, task);
        Column value = null;
        for (int i = 0; i < stages.size(); i++) {
            Transformer stage = stages.get(i);
            try {
                if (value != null) {
                    throw new Untranslatable("it follows the predictor " + stages.get(i - 1).uid());
                }
                value = compiler.stage(stage);
            } catch (Untranslatable e) {
                return new Translation.Fallback(i, stage.getClass().getSimpleName() + " " + stage.uid(), e.getMessage());
            }
        }
        if (value == null) {
            return new Translation.Fallback(stages.size(), "end of pipeline", "the pipeline has no predictor as its last stage");
        }
        return new Translation.Compiled(new CompiledPipeline(compiler.projections, value));
    }

    private static void flatten(PipelineModel model, List<Transformer> into) {
        for (Transformer t : model.stages()) {
            if (t instanceof PipelineModel nested) {
                flatten(nested, into);
            } else {
                into.add(t);
            }
        }
    }

    /** Translates one stage: a feature stage adds values and returns null, a predictor returns the model's value. */
    private Column stage(Transformer stage) throws Untranslatable {
        if (stage instanceof ImputerModel m) {
            imputer(m);
        } else if (stage instanceof StringIndexerModel m) {
            stringIndexer(m);
        } else if (stage instanceof OneHotEncoderModel m) {
            oneHotEncoder(m);
        } else if (stage instanceof VectorAssembler m) {
            vectorAssembler(m);
        } else if (stage instanceof StandardScalerModel m) {
            standardScaler(m);
        } else if (stage instanceof LogisticRegressionModel m) {
            requireTask(Task.BINARY_CLASSIFICATION, stage);
            requireBinary(m.numClasses());
            if (m.coefficientMatrix().numRows() != 1) {
                throw new Untranslatable("multinomial logistic regression is not compiled");
            }
            // MLlib: rawPrediction = [-margin, margin]; probability(0) = 1 / (1 + exp(-raw(0))); probability(1) = 1 - probability(0)
            Column margin = dot(features(m.getFeaturesCol()), m.coefficients()).plus(lit(m.intercept()));
            return lit(1.0).minus(lit(1.0).divide(lit(1.0).plus(mathExp(margin))));
        } else if (stage instanceof LinearRegressionModel m) {
            requireTask(Task.REGRESSION, stage);
            return dot(features(m.getFeaturesCol()), m.coefficients()).plus(lit(m.intercept()));
        } else if (stage instanceof GBTClassificationModel m) {
            requireTask(Task.BINARY_CLASSIFICATION, stage);
            requireBinary(m.numClasses());
            if (!"logistic".equals(m.getLossType())) {
                throw new Untranslatable("GBT loss '" + m.getLossType() + "' is not compiled (only logistic)");
            }
            Column margin = weightedTreeSum("gbt-classifier", m.trees(), m.treeWeights(), features(m.getFeaturesCol()));
            // MLlib: rawPrediction = [-margin, margin]; probability(0) = 1 / (1 + exp(-2 * raw(0))); probability(1) = 1 - probability(0)
            return lit(1.0).minus(lit(1.0).divide(lit(1.0).plus(mathExp(lit(-2.0).multiply(negate(margin))))));
        } else if (stage instanceof GBTRegressionModel m) {
            requireTask(Task.REGRESSION, stage);
            return weightedTreeSum("gbt-regressor", m.trees(), m.treeWeights(), features(m.getFeaturesCol()));
        } else if (stage instanceof RandomForestClassificationModel m) {
            requireTask(Task.BINARY_CLASSIFICATION, stage);
            requireBinary(m.numClasses());
            return forestProbability(Arrays.stream(m.trees()).map(DecisionTreeClassificationModel::rootNode).toList(),
                    features(m.getFeaturesCol()));
        } else if (stage instanceof RandomForestRegressionModel m) {
            requireTask(Task.REGRESSION, stage);
            // MLlib: the tree predictions' sum (in tree order) divided by the number of trees
            List<Slot> features = features(m.getFeaturesCol());
            return TreeEnsemble.mean("random-forest-regressor", Arrays.stream(m.trees()).map(DecisionTreeRegressionModel::rootNode).toList(),
                    features.size(), LeafNode::prediction).column(features);
        } else if (stage instanceof DecisionTreeClassificationModel m) {
            requireTask(Task.BINARY_CLASSIFICATION, stage);
            requireBinary(m.numClasses());
            List<Slot> features = features(m.getFeaturesCol());
            return TreeEnsemble.single("decision-tree-classifier", m.rootNode(), features.size(), leaf -> classProbabilities(leaf)[1])
                    .column(features);
        } else if (stage instanceof DecisionTreeRegressionModel m) {
            requireTask(Task.REGRESSION, stage);
            List<Slot> features = features(m.getFeaturesCol());
            return TreeEnsemble.single("decision-tree-regressor", m.rootNode(), features.size(), LeafNode::prediction).column(features);
        } else {
            throw new Untranslatable("no translation for " + stage.getClass().getName());
        }
        return null;
    }

    // ---- feature stages ----

    private void imputer(ImputerModel m) throws Untranslatable {
        String[][] io = inputsAndOutputs(m);
        Row surrogates = m.surrogateDF().head();
        double missing = m.getMissingValue();
        Map<String, Column> out = new LinkedHashMap<>();
        for (int i = 0; i < io[0].length; i++) {
            String input = io[0][i];
            DataType type = scalarType(input);
            Column in = scalar(input).value().cast(DataTypes.DoubleType);
            double surrogate = ((Number) surrogates.getAs(input)).doubleValue();
            // MLlib: when(in.isNull, surrogate).when(in === missingValue, surrogate).otherwise(in).cast(inputType)
            Column isMissing = Double.isNaN(missing) ? isnan(in) : in.equalTo(lit(missing));
            Column imputed = when(in.isNull(), lit(surrogate)).when(isMissing, lit(surrogate)).otherwise(in).cast(type);
            boolean valid = Double.isNaN(missing) && !Double.isNaN(surrogate);
            out.put(define(io[1][i], new Scalar(null, valid, -1)), imputed);
        }
        projections.add(out);
    }

    private void stringIndexer(StringIndexerModel m) throws Untranslatable {
        String mode = m.getHandleInvalid();
        if (!"keep".equals(mode) && !"error".equals(mode)) {
            throw new Untranslatable("handleInvalid '" + mode + "' (rows are dropped) is not compiled; 'keep' and 'error' are");
        }
        String[][] io = inputsAndOutputs(m);
        String[][] labels = m.labelsArray();
        Map<String, Column> out = new LinkedHashMap<>();
        for (int i = 0; i < io[0].length; i++) {
            String input = io[0][i];
            if (values.containsKey(input) || !schema.getFieldIndex(input).isDefined()) {
                throw new Untranslatable("input column '" + input + "' is not a column of the input rows");
            }
            Column in = col(input).cast(DataTypes.StringType);
            String[] known = labels[i];
            // MLlib: a known label's position in labels; null or unseen: labels.length ("keep") or an error
            Column index;
            if ("keep".equals(mode)) {
                index = new LabelIndex(known, known.length).column(in);
            } else {
                Column found = new LabelIndex(known, -1.0).column(in);
                index = when(found.geq(0.0), found).otherwise(raise_error(lit("StringIndexer " + m.uid()
                        + ": null or unseen label in column '" + input + "' (handleInvalid = error)")).cast(DataTypes.DoubleType));
            }
            int bound = "keep".equals(mode) ? known.length : known.length - 1;
            out.put(define(io[1][i], new Scalar(null, true, bound)), index);
        }
        projections.add(out);
    }

    private void oneHotEncoder(OneHotEncoderModel m) throws Untranslatable {
        String[][] io = inputsAndOutputs(m);
        int[] sizes = m.categorySizes();
        boolean keep = "keep".equals(m.getHandleInvalid());
        for (int i = 0; i < io[0].length; i++) {
            Scalar index = scalar(io[0][i]);
            int categories = sizes[i];
            if (index.indexBound() < 0) {
                throw new Untranslatable("input column '" + io[0][i] + "' is not the output of a compiled StringIndexer");
            }
            if (index.indexBound() >= categories && !keep) {
                throw new Untranslatable("input column '" + io[0][i] + "' can exceed the encoder's " + categories
                        + " categories and handleInvalid is '" + m.getHandleInvalid() + "'");
            }
            // MLlib: the hot element is the index if below categorySize, else (keep) categorySize; with dropLast the
            // vector has one element fewer, so the last position is all zeros.
            int size = m.getDropLast() ? (keep ? categories : categories - 1) : (keep ? categories + 1 : categories);
            Column hot = index.indexBound() < categories ? index.value()
                    : when(index.value().lt(lit((double) categories)), index.value()).otherwise(lit((double) categories));
            List<Slot> slots = new ArrayList<>();
            for (int k = 0; k < size; k++) {
                slots.add(new Slot.OneHot(hot, k));
            }
            values.put(io[1][i], new VectorValue(slots));
        }
    }

    private void vectorAssembler(VectorAssembler m) throws Untranslatable {
        String mode = m.getHandleInvalid();
        if (!"error".equals(mode) && !"keep".equals(mode)) {
            throw new Untranslatable("handleInvalid '" + mode + "' (rows are dropped) is not compiled; 'error' and 'keep' are");
        }
        List<Slot> slots = new ArrayList<>();
        for (String input : m.getInputCols()) {
            Value v = values.get(input);
            if (v instanceof VectorValue vector) {
                slots.addAll(vector.slots());
                continue;
            }
            Scalar s = scalar(input);
            Column value = s.value().cast(DataTypes.DoubleType);
            if (!s.valid()) {
                // MLlib: a null fails ("error") or becomes NaN ("keep"); a NaN fails ("error") or stays ("keep")
                value = "keep".equals(mode) ? when(value.isNull(), lit(Double.NaN)).otherwise(value)
                        : when(value.isNull().or(isnan(value)), raise_error(lit("VectorAssembler " + m.uid()
                        + ": null or NaN in column '" + input + "' (handleInvalid = error)")).cast(DataTypes.DoubleType)).otherwise(value);
            }
            slots.add(new Slot.Scalar(value));
        }
        values.put(m.getOutputCol(), new VectorValue(slots));
    }

    private void standardScaler(StandardScalerModel m) throws Untranslatable {
        List<Slot> in = features(m.getInputCol());
        double[] mean = m.mean().toArray();
        double[] std = m.std().toArray();
        if (mean.length != in.size()) {
            throw new Untranslatable("the scaler was fitted on " + mean.length + " features, its input has " + in.size());
        }
        Map<String, Column> out = new LinkedHashMap<>();
        List<Slot> slots = new ArrayList<>();
        for (int k = 0; k < in.size(); k++) {
            Column x = in.get(k).value();
            // MLlib: shift = mean, scale = 1 / std (0 where std is 0); (x - shift) * scale, x - shift or x * scale
            double scale = std[k] == 0.0 ? 0.0 : 1.0 / std[k];
            Column scaled = m.getWithMean() ? x.minus(lit(mean[k])) : x;
            scaled = m.getWithStd() ? scaled.multiply(lit(scale)) : scaled;
            String name = fresh();
            out.put(name, scaled);
            slots.add(new Slot.Scalar(col(name)));
        }
        projections.add(out);
        values.put(m.getOutputCol(), new VectorValue(slots));
    }

    // ---- models ----

    /**
     * {@code java.lang.Math.exp(x)}, which MLlib's {@code math.exp} is; Spark's {@code exp} calls {@code StrictMath.exp},
     * which differs from it in the last bit for a few rows in a hundred and took 156 of 2,519 samples in a JFR profile
     * of compiled logistic regression; HotSpot runs {@code Math.exp} as the same intrinsic in interpreted
     * and compiled code.
     */
    private static Column mathExp(Column x) {
        Expression call = new StaticInvoke(Math.class, DataTypes.DoubleType, "exp",
                CollectionConverters.asScala(List.of(ExpressionUtils.expression(x))).toList(),
                CollectionConverters.asScala(List.<AbstractDataType>of()).toList(), true, false, true, Option.empty());
        return ExpressionUtils.column(call);
    }

    /** {@code x . coefficients}, summed from 0.0 in feature order like MLlib's sparse dot product; a one-hot block adds its hot coefficient. */
    private static Column dot(List<Slot> x, Vector coefficients) throws Untranslatable {
        double[] c = coefficients.toArray();
        if (c.length != x.size()) {
            throw new Untranslatable("the model has " + c.length + " coefficients, its feature vector " + x.size() + " elements");
        }
        List<Column> terms = new ArrayList<>();
        int k = 0;
        while (k < x.size()) {
            if (x.get(k) instanceof Slot.OneHot first) {
                int start = k;
                while (k < x.size() && x.get(k) instanceof Slot.OneHot o && o.hot() == first.hot() && o.position() == k - start) {
                    k++;
                }
                double[] block = Arrays.copyOfRange(c, start, k);
                Column hot = first.hot();
                terms.add(when(hot.lt(lit((double) block.length)), lit(block).getItem(hot.cast(DataTypes.IntegerType))).otherwise(lit(0.0)));
            } else {
                terms.add(x.get(k).value().multiply(lit(c[k])));
                k++;
            }
        }
        return sum(terms);
    }

    /** MLlib: the margin (or prediction) is the sum over trees, in order, of the tree's prediction times its weight. */
    private static Column weightedTreeSum(String kind, DecisionTreeRegressionModel[] trees, double[] weights, List<Slot> features)
            throws Untranslatable {
        return TreeEnsemble.weightedSum(kind, Arrays.stream(trees).map(DecisionTreeRegressionModel::rootNode).toList(), weights,
                features.size(), LeafNode::prediction).column(features);
    }

    /** MLlib: votes(c) = sum over trees (in order) of the leaf's class-c share; probability(1) = votes(1) / (votes(0) + votes(1)). */
    private static Column forestProbability(List<Node> roots, List<Slot> features) throws Untranslatable {
        return TreeEnsemble.voteShare("random-forest-classifier", roots, features.size(), leaf -> share(leaf, 0), leaf -> share(leaf, 1))
                .column(features);
    }

    /** A leaf's share of class c among its training rows; 0 for a leaf without any. */
    private static double share(LeafNode leaf, int c) {
        double[] counts = leaf.impurityStats().stats();
        double total = counts[0] + counts[1];
        return total != 0.0 ? counts[c] / total : 0.0;
    }

    /** A single tree's leaf class counts normalised like MLlib's {@code normalizeToProbabilitiesInPlace}. */
    private static double[] classProbabilities(LeafNode leaf) {
        double[] counts = leaf.impurityStats().stats();
        double total = counts[0] + counts[1];
        return new double[]{counts[0] / total, counts[1] / total};
    }

    // ---- helpers ----

    private static Column sum(List<Column> terms) {
        Column total = lit(0.0);
        for (Column t : terms) {
            total = total.plus(t);
        }
        return total;
    }

    private List<Slot> features(String column) throws Untranslatable {
        if (values.get(column) instanceof VectorValue v) {
            return v.slots();
        }
        throw new Untranslatable("features column '" + column + "' is not a vector built by compiled stages");
    }

    private Scalar scalar(String column) throws Untranslatable {
        Value v = values.get(column);
        if (v instanceof Scalar s) {
            return s;
        }
        if (v != null) {
            throw new Untranslatable("column '" + column + "' is a vector where a number was expected");
        }
        if (schema.getFieldIndex(column).isDefined() && schema.apply(column).dataType() instanceof NumericType) {
            return new Scalar(col(column), false, -1);
        }
        throw new Untranslatable("column '" + column + "' is neither a numeric input column nor made by an earlier stage");
    }

    private DataType scalarType(String column) {
        return values.containsKey(column) || !schema.getFieldIndex(column).isDefined() ? DataTypes.DoubleType : schema.apply(column).dataType();
    }

    /** Registers output column {@code name} as a materialised column holding {@code value}'s kind; returns the internal name. */
    private String define(String name, Scalar kind) {
        String internal = fresh();
        values.put(name, new Scalar(col(internal), kind.valid(), kind.indexBound()));
        return internal;
    }

    private String fresh() {
        return PREFIX + nextName++;
    }

    private void requireTask(Task expected, Transformer stage) throws Untranslatable {
        if (task != expected) {
            throw new Untranslatable(stage.getClass().getSimpleName() + " serves " + expected.specName() + ", the task is " + task.specName());
        }
    }

    private static void requireBinary(int numClasses) throws Untranslatable {
        if (numClasses != 2) {
            throw new Untranslatable("only binary classifiers are compiled; this one has " + numClasses + " classes");
        }
    }

    /** {inputs, outputs} of a stage configured with inputCols/outputCols or with inputCol/outputCol. */
    @SuppressWarnings("unchecked")
    private static String[][] inputsAndOutputs(Params stage) {
        if (stage.hasParam("inputCols") && stage.isSet(stage.getParam("inputCols"))) {
            return new String[][]{(String[]) stage.getOrDefault((Param<Object>) (Param<?>) stage.getParam("inputCols")),
                    (String[]) stage.getOrDefault((Param<Object>) (Param<?>) stage.getParam("outputCols"))};
        }
        return new String[][]{{(String) stage.getOrDefault(stage.getParam("inputCol"))},
                {(String) stage.getOrDefault(stage.getParam("outputCol"))}};
    }
}
