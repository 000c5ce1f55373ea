package dev.nightshift.scoring.compiled;

import org.apache.spark.ml.tree.CategoricalSplit;
import org.apache.spark.ml.tree.ContinuousSplit;
import org.apache.spark.ml.tree.InternalNode;
import org.apache.spark.ml.tree.LeafNode;
import org.apache.spark.ml.tree.Node;
import org.apache.spark.ml.tree.Split;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.catalyst.expressions.CreateArray;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.objects.Invoke;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.classic.ExpressionUtils;
import org.apache.spark.sql.types.AbstractDataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.ObjectType;
import scala.jdk.javaapi.CollectionConverters;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.lit;

/**
 * Fitted decision trees as flat arrays, scored by one method call per row from Spark's generated code: the
 * {@link #column} is {@code invoke(ensemble.score(array(features...)))}, so the generated code stays a few lines
 * whatever the number and depth of the trees, and the walk itself is a small loop the JIT compiles. (The first design
 * wrote each tree as a nested CASE expression; a 20-tree GBT then generated a method far over HotSpot's 8,000-byte JIT
 * limit and Spark had to give up whole-stage code generation for the scoring stage: the scoring benchmark's GBT rows,
 * README, before and after.)
 *
 * <p>The walk is MLlib's {@code Node.predictImpl}: a continuous split goes left when {@code value <= threshold}, a
 * categorical split when the value is one of the split's left categories. A feature that is null in Spark (where the
 * MLlib vector would hold NaN, or where the compiled stages keep a null) is passed as NaN and so goes right, as the
 * earlier CASE form sent a null comparison to its ELSE branch. The trees are combined in tree order with the same
 * floating-point operations as the CASE form: {@link Combine}.
 */
public final class TreeEnsemble implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final int LEAF = -1;

    /** How the trees' leaf values become the one value of a row. */
    enum Combine {
        /** One tree: its leaf's value. */
        SINGLE,
        /** {@code 0.0 + w0 * v0 + w1 * v1 + ...} (GBT: the margin, or the regression prediction). */
        WEIGHTED_SUM,
        /** {@code (0.0 + v0 + v1 + ...) / trees} (random forest regression). */
        MEAN,
        /**
         * Random forest classification: {@code votes1 / (votes0 + votes1)}, each {@code 0.0 + share_0 + share_1 + ...}
         * of the leaves' class shares ({@link #value0} for class 0, {@link #value} for class 1).
         */
        VOTE_SHARE
    }

    private final String kind;
    private final Combine combine;
    private final double[] weights;
    /** Per tree and node: the position of the split's feature in the input array, {@link #LEAF} for a leaf. */
    private final int[][] feature;
    /** Continuous split: goes left when the value is at most this. */
    private final double[][] threshold;
    /** Categorical split: goes left when the value is one of these; null for a continuous split or a leaf. */
    private final double[][][] categories;
    private final int[][] left;
    private final int[][] right;
    /** Leaf value (class 1's share for {@link Combine#VOTE_SHARE}). */
    private final double[][] value;
    /** Class 0's share of each leaf, {@link Combine#VOTE_SHARE} only. */
    private final double[][] value0;
    /** The assembled vector's elements the splits read, in input-array order. */
    private final int[] slots;

    private TreeEnsemble(String kind, Combine combine, double[] weights, List<Node> roots, int vectorSize,
                         ToDoubleFunction<LeafNode> leafValue, ToDoubleFunction<LeafNode> leafValue0) throws Untranslatable {
        this.kind = kind;
        this.combine = combine;
        this.weights = weights;
        int trees = roots.size();
        feature = new int[trees][];
        threshold = new double[trees][];
        categories = new double[trees][][];
        left = new int[trees][];
        right = new int[trees][];
        value = new double[trees][];
        value0 = new double[trees][];
        Map<Integer, Integer> positions = new LinkedHashMap<>();
        for (int t = 0; t < trees; t++) {
            List<Node> nodes = new ArrayList<>();
            preorder(roots.get(t), nodes);
            int n = nodes.size();
            feature[t] = new int[n];
            threshold[t] = new double[n];
            categories[t] = new double[n][];
            left[t] = new int[n];
            right[t] = new int[n];
            value[t] = new double[n];
            value0[t] = new double[n];
            Map<Node, Integer> index = new java.util.IdentityHashMap<>();
            for (int i = 0; i < n; i++) {
                index.put(nodes.get(i), i);
            }
            for (int i = 0; i < n; i++) {
                Node node = nodes.get(i);
                if (node instanceof LeafNode leaf) {
                    feature[t][i] = LEAF;
                    value[t][i] = leafValue.applyAsDouble(leaf);
                    value0[t][i] = leafValue0 == null ? 0.0 : leafValue0.applyAsDouble(leaf);
                    continue;
                }
                InternalNode internal = (InternalNode) node;
                Split split = internal.split();
                int slot = split.featureIndex();
                if (slot < 0 || slot >= vectorSize) {
                    throw new Untranslatable("a tree splits on feature " + slot + " but the assembled vector has " + vectorSize);
                }
                feature[t][i] = positions.computeIfAbsent(slot, k -> positions.size());
                if (split instanceof ContinuousSplit c) {
                    threshold[t][i] = c.threshold();
                } else if (split instanceof CategoricalSplit c) {
                    categories[t][i] = c.leftCategories().clone();
                } else {
                    throw new Untranslatable("unknown tree split type " + split.getClass().getName());
                }
                left[t][i] = index.get(internal.leftChild());
                right[t][i] = index.get(internal.rightChild());
            }
        }
        slots = positions.keySet().stream().mapToInt(Integer::intValue).toArray();
    }

    /** One tree whose row value is its leaf's {@code leafValue}. */
    static TreeEnsemble single(String kind, Node root, int vectorSize, ToDoubleFunction<LeafNode> leafValue) throws Untranslatable {
        return new TreeEnsemble(kind, Combine.SINGLE, null, List.of(root), vectorSize, leafValue, null);
    }

    /** Trees whose row value is {@code 0.0 + weights[0] * v0 + ...} of their leaves' {@code leafValue}. */
    static TreeEnsemble weightedSum(String kind, List<Node> roots, double[] weights, int vectorSize,
                                    ToDoubleFunction<LeafNode> leafValue) throws Untranslatable {
        if (weights.length != roots.size()) {
            throw new Untranslatable(kind + " has " + roots.size() + " trees but " + weights.length + " tree weights");
        }
        return new TreeEnsemble(kind, Combine.WEIGHTED_SUM, weights.clone(), roots, vectorSize, leafValue, null);
    }

    /** Trees whose row value is the mean of their leaves' {@code leafValue}, summed in tree order. */
    static TreeEnsemble mean(String kind, List<Node> roots, int vectorSize, ToDoubleFunction<LeafNode> leafValue) throws Untranslatable {
        return new TreeEnsemble(kind, Combine.MEAN, null, roots, vectorSize, leafValue, null);
    }

    /** Trees whose row value is class 1's share of the summed leaf class shares ({@link Combine#VOTE_SHARE}). */
    static TreeEnsemble voteShare(String kind, List<Node> roots, int vectorSize, ToDoubleFunction<LeafNode> share0,
                                  ToDoubleFunction<LeafNode> share1) throws Untranslatable {
        return new TreeEnsemble(kind, Combine.VOTE_SHARE, null, roots, vectorSize, share1, share0);
    }

    /**
     * The ensemble's value of a row as a Spark column over {@code vector}, the assembled vector's elements (only the
     * elements the splits read are evaluated), nulls passed as NaN.
     */
    Column column(List<Slot> vector) {
        List<Expression> inputs = new ArrayList<>();
        for (int slot : slots) {
            inputs.add(ExpressionUtils.expression(coalesce(vector.get(slot).value(), lit(Double.NaN))));
        }
        Expression array = new CreateArray(CollectionConverters.asScala(inputs).toList(), false);
        Expression call = new Invoke(new Literal(this, new ObjectType(TreeEnsemble.class)), "score", DataTypes.DoubleType,
                CollectionConverters.asScala(List.of(array)).toList(), CollectionConverters.asScala(List.<AbstractDataType>of()).toList(),
                true, false, true);
        return ExpressionUtils.column(call);
    }

    /** The row's value; {@code x} holds the elements {@link #column} passes, in that order. Called by generated code. */
    public double score(ArrayData x) {
        switch (combine) {
            case SINGLE:
                return value[0][leaf(0, x)];
            case WEIGHTED_SUM: {
                double sum = 0.0;
                for (int t = 0; t < feature.length; t++) {
                    sum = sum + value[t][leaf(t, x)] * weights[t];
                }
                return sum;
            }
            case MEAN: {
                double sum = 0.0;
                for (int t = 0; t < feature.length; t++) {
                    sum = sum + value[t][leaf(t, x)];
                }
                return sum / feature.length;
            }
            case VOTE_SHARE: {
                double votes0 = 0.0;
                double votes1 = 0.0;
                for (int t = 0; t < feature.length; t++) {
                    int leaf = leaf(t, x);
                    votes0 = votes0 + value0[t][leaf];
                    votes1 = votes1 + value[t][leaf];
                }
                return votes1 / (votes0 + votes1);
            }
            default:
                throw new IllegalStateException("unknown combination " + combine);
        }
    }

    /** The index of the leaf of tree {@code t} that {@code x} lands in. */
    private int leaf(int t, ArrayData x) {
        int[] features = feature[t];
        int node = 0;
        while (features[node] != LEAF) {
            double v = x.getDouble(features[node]);
            double[] cats = categories[t][node];
            boolean goesLeft = cats == null ? v <= threshold[t][node] : oneOf(v, cats);
            node = goesLeft ? left[t][node] : right[t][node];
        }
        return node;
    }

    /** {@code v == c} for some c, as the CASE form's {@code isin} compared (-0.0 equals 0.0; NaN equals nothing here). */
    private static boolean oneOf(double v, double[] categories) {
        for (double c : categories) {
            if (v == c) {
                return true;
            }
        }
        return false;
    }

    private static void preorder(Node node, List<Node> out) {
        out.add(node);
        if (node instanceof InternalNode internal) {
            preorder(internal.leftChild(), out);
            preorder(internal.rightChild(), out);
        }
    }

    @Override
    public String toString() {
        return kind + "(" + feature.length + " trees, " + slots.length + " features)";
    }
}
