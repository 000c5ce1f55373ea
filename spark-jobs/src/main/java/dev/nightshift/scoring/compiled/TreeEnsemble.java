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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.rint;
import static org.apache.spark.sql.functions.when;

/**
 * Fitted decision trees as flat arrays, scored by one method call per row from Spark's generated code: the
 * {@link #column} is {@code invoke(ensemble.score(array(features...)))}, so the generated code stays a few lines
 * whatever the number and depth of the trees, and the walk itself is a small loop the JIT compiles. (The first design
 * wrote each tree as a nested CASE expression; a 20-tree GBT then generated a method far over HotSpot's 8,000-byte JIT
 * limit and Spark had to give up whole-stage code generation for the scoring stage: the scoring benchmark's GBT rows,
 * docs/performance-log.md, before and after.)
 *
 * <p>The walk is MLlib's {@code Node.predictImpl}: a continuous split goes left when {@code value <= threshold}, a
 * categorical split when the value is one of the split's left categories. A feature that is null in Spark (where the
 * MLlib vector would hold NaN, or where the compiled stages keep a null) is passed as NaN and so goes right, as the
 * earlier CASE form sent a null comparison to its ELSE branch. The trees are combined in tree order with the same
 * floating-point operations as the CASE form: {@link Combine}.
 *
 * <p>Two layouts of the same trees. When the trees are shallow enough ({@link #COMPLETE_NODE_BUDGET}) every tree is
 * padded to a complete binary tree of the ensemble's depth (a leaf above the bottom becomes pass-through nodes whose
 * subtrees all end in copies of it): a walk is then a fixed number of steps, {@code i = 2i + 1} or {@code 2i + 2}, with
 * no pointers to chase, and four trees are walked side by side ({@link #completeScore}); categorical splits test a bit
 * mask of their left categories. In a JFR profile of compiled GBT scoring (20 trees of depth 5) the pointer walk was
 * half of the samples. Deeper or larger ensembles, and category values that are not small non-negative integers, keep
 * the pointer walk over the fitted nodes ({@link #leaf}). Both send a row to the same leaf and add the same values in
 * the same order; {@code TreeEnsembleTest} checks both against MLlib's own walk, to the last bit.
 */
public final class TreeEnsemble implements Serializable {

    private static final long serialVersionUID = 2L;
    private static final int LEAF = -1;
    /** The complete layout is used while all trees, padded to complete trees, have at most this many nodes together. */
    static final int COMPLETE_NODE_BUDGET = 1 << 16;
    /** Categorical splits in the complete layout: categories are integers below this (bit masks of this many bits). */
    static final int MASKED_CATEGORIES = 1 << 10;

    /** How the trees' leaf values become the one value of a row. */
    enum Combine {
        /** One tree: its leaf's value. */
        SINGLE,
        /**
         * {@code 0.0 + w0 * v0 + w1 * v1 + ...} (GBT: the margin, or the regression prediction). MLlib computes it with
         * its BLAS's {@code ddot}, whose order and fusing of the additions depend on the JVM and the processor (docs/performance-log.md,
         * "GBT margins and MLlib's `ddot`"): the same to the last bit up to 15 trees on this machine; the benchmark's
         * 20-tree GBT's probabilities agree in about 80% of rows and within 3.3e-16 in the rest.
         */
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

    /** Whether {@link #score} walks {@link #completeTrees} or the pointer layout above. */
    private final boolean complete;
    /** Complete layout: every tree padded to this depth. */
    private final int completeDepth;
    /** Complete layout: each internal node has 2^maskBits words of category mask. */
    private final int maskBits;
    /** Complete layout: input positions that categorical splits read (their values are checked in {@link #column}). */
    private final boolean[] categoricalPosition;
    private final CompleteTree[] completeTrees;

    /**
     * One tree of the complete layout: internal nodes 0 .. 2^d - 2 (the children of i at 2i + 1 and 2i + 2), then the
     * leaves; {@code value} per leaf position (node position - (2^d - 1)). Every internal node has a threshold and a
     * category mask and goes left when {@code value <= threshold} and the mask has the value's bit: a continuous split
     * has an all-ones mask, a categorical split the threshold +∞ (NaN goes right) and its left categories' bits.
     */
    private static final class CompleteTree implements Serializable {
        private static final long serialVersionUID = 1L;
        final int[] feature;
        final double[] threshold;
        /** 2^maskBits words per internal node: bit c of the node's mask is bit (c % 64) of word c / 64. */
        final long[] mask;
        /** The leaf's value, times the tree's weight for {@link Combine#WEIGHTED_SUM} (the same product the sum adds). */
        final double[] value;
        /** Class 0's share of the leaf, {@link Combine#VOTE_SHARE} only. */
        final double[] value0;

        CompleteTree(int depth, int maskBits) {
            feature = new int[(1 << depth) - 1];
            threshold = new double[(1 << depth) - 1];
            mask = new long[((1 << depth) - 1) << maskBits];
            Arrays.fill(mask, -1L);
            value = new double[1 << depth];
            value0 = new double[1 << depth];
        }

        /**
         * From node {@code i} one level down, as MLlib's {@code Split.shouldGoLeft} decides, without a branch: a
         * branch per level is mispredicted about every other row, and those mispredictions were most of the walk's
         * time. A categorical position holds NaN or an integer category below the masks' size ({@link #column}); for a
         * continuous split any value reads an all-ones word.
         */
        int step(int i, ArrayData x, int maskBits) {
            double v = x.getDouble(feature[i]);
            int c = (int) v;
            long word = mask[(i << maskBits) + ((c >>> 6) & ((1 << maskBits) - 1))];
            int goesLeft = (v <= threshold[i] ? 1 : 0) & (int) (word >>> c);
            return 2 * i + 2 - goesLeft;
        }
    }

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

        int depth = 0;
        int categoriesBound = 1;
        for (Node root : roots) {
            depth = Math.max(depth, root.subtreeDepth());
            categoriesBound = Math.max(categoriesBound, categoriesBound(root));
        }
        int words = Integer.highestOneBit(Math.max(1, (categoriesBound + 63) / 64) * 2 - 1); // a power of two
        maskBits = Integer.numberOfTrailingZeros(words);
        categoricalPosition = new boolean[slots.length];
        complete = categoriesBound <= MASKED_CATEGORIES && depth <= 20
                && roots.size() * ((2L << depth) - 1) * words <= COMPLETE_NODE_BUDGET
                && splitKindsAgree(roots, positions, categoricalPosition);
        completeDepth = depth;
        completeTrees = new CompleteTree[complete ? trees : 0];
        for (int t = 0; t < completeTrees.length; t++) {
            completeTrees[t] = new CompleteTree(depth, maskBits);
            double weight = combine == Combine.WEIGHTED_SUM ? weights[t] : 1.0;
            fill(completeTrees[t], roots.get(t), 0, 0, positions,
                    leaf -> combine == Combine.WEIGHTED_SUM ? leafValue.applyAsDouble(leaf) * weight : leafValue.applyAsDouble(leaf),
                    leafValue0);
        }
    }

    /**
     * The largest category count of {@code node}'s categorical splits (1 without any), or {@link Integer#MAX_VALUE}
     * when it is above {@link #MASKED_CATEGORIES} or a left category is not an integer below it. A category feature's
     * values (a {@code StringIndexer}'s indexes) are below its count, so the masks cover every valid value.
     */
    private static int categoriesBound(Node node) {
        if (!(node instanceof InternalNode internal)) {
            return 1;
        }
        int bound = Math.max(categoriesBound(internal.leftChild()), categoriesBound(internal.rightChild()));
        if (internal.split() instanceof CategoricalSplit split) {
            if (split.numCategories() > MASKED_CATEGORIES) {
                return Integer.MAX_VALUE;
            }
            for (double c : split.leftCategories()) {
                if (!(c >= 0.0 && c < split.numCategories() && c == Math.rint(c))) {
                    return Integer.MAX_VALUE;
                }
            }
            bound = Math.max(bound, split.numCategories());
        }
        return bound;
    }

    /**
     * Marks the input positions categorical splits read; false when some position is read by categorical and
     * continuous splits both (MLlib never fits that: whether a feature is categorical is the model's, not the node's).
     */
    private static boolean splitKindsAgree(List<Node> roots, Map<Integer, Integer> positions, boolean[] categorical) {
        boolean[] continuous = new boolean[categorical.length];
        List<Node> pending = new ArrayList<>(roots);
        while (!pending.isEmpty()) {
            if (pending.remove(pending.size() - 1) instanceof InternalNode internal) {
                int position = positions.get(internal.split().featureIndex());
                (internal.split() instanceof CategoricalSplit ? categorical : continuous)[position] = true;
                pending.add(internal.leftChild());
                pending.add(internal.rightChild());
            }
        }
        for (int p = 0; p < categorical.length; p++) {
            if (categorical[p] && continuous[p]) {
                return false;
            }
        }
        return true;
    }

    /** Lays out {@code node}'s subtree at position {@code i}, {@code level} levels down, of {@code tree}. */
    private void fill(CompleteTree tree, Node node, int i, int level, Map<Integer, Integer> positions,
                      ToDoubleFunction<LeafNode> leafValue, ToDoubleFunction<LeafNode> leafValue0) {
        if (level == completeDepth) {
            LeafNode leaf = (LeafNode) node; // no tree is deeper than completeDepth
            int position = i - tree.feature.length;
            tree.value[position] = leafValue.applyAsDouble(leaf);
            tree.value0[position] = leafValue0 == null ? 0.0 : leafValue0.applyAsDouble(leaf);
            return;
        }
        Node leftChild = node;
        Node rightChild = node;
        if (node instanceof InternalNode internal) {
            Split split = internal.split();
            tree.feature[i] = positions.get(split.featureIndex());
            if (split instanceof CategoricalSplit c) {
                tree.threshold[i] = Double.POSITIVE_INFINITY;
                Arrays.fill(tree.mask, i << maskBits, (i + 1) << maskBits, 0L);
                for (double category : c.leftCategories()) {
                    tree.mask[(i << maskBits) + ((int) category >>> 6)] |= 1L << (int) category;
                }
            } else {
                tree.threshold[i] = ((ContinuousSplit) split).threshold();
            }
            leftChild = internal.leftChild();
            rightChild = internal.rightChild();
        } else {
            // A leaf above the bottom: a pass-through node (threshold +∞, all-ones mask) whose two subtrees both end
            // in this leaf, so either way is right.
            tree.feature[i] = 0;
            tree.threshold[i] = Double.POSITIVE_INFINITY;
        }
        fill(tree, leftChild, 2 * i + 1, level + 1, positions, leafValue, leafValue0);
        fill(tree, rightChild, 2 * i + 2, level + 1, positions, leafValue, leafValue0);
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
        for (int p = 0; p < slots.length; p++) {
            Column value = coalesce(vector.get(slots[p]).value(), lit(Double.NaN));
            if (complete && categoricalPosition[p]) {
                // The complete layout's masks read bit (int) v of a mask of 64 << maskBits bits: anything that is not
                // an integer in that range becomes NaN, which goes right, as a value that is none of the split's
                // left categories does in MLlib (Spark orders NaN above every number, so NaN fails the upper bound).
                value = when(value.geq(0.0).and(value.lt((double) (64 << maskBits))).and(value.equalTo(rint(value))), value)
                        .otherwise(lit(Double.NaN));
            }
            inputs.add(ExpressionUtils.expression(value));
        }
        Expression array = new CreateArray(CollectionConverters.asScala(inputs).toList(), false);
        Expression call = new Invoke(new Literal(this, new ObjectType(TreeEnsemble.class)), "score", DataTypes.DoubleType,
                CollectionConverters.asScala(List.of(array)).toList(), CollectionConverters.asScala(List.<AbstractDataType>of()).toList(),
                true, false, true);
        return ExpressionUtils.column(call);
    }

    /** The row's value; {@code x} holds the elements {@link #column} passes, in that order. Called by generated code. */
    public double score(ArrayData x) {
        if (complete) {
            return completeScore(x);
        }
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

    /**
     * {@link #score} over the complete layout. Trees are walked four at a time, level by level: each walk is a chain of
     * dependent loads (node, feature value, comparison, next node), and four independent chains let the processor
     * overlap them. The trees' values are then added in tree order, as {@link #score}'s pointer walk adds them.
     */
    private double completeScore(ArrayData x) {
        CompleteTree[] trees = completeTrees;
        int internal = (1 << completeDepth) - 1;
        if (combine == Combine.SINGLE) {
            CompleteTree tree = trees[0];
            int i = 0;
            for (int level = completeDepth; level > 0; level--) {
                i = tree.step(i, x, maskBits);
            }
            return tree.value[i - internal];
        }
        boolean votes = combine == Combine.VOTE_SHARE;
        double sum = 0.0;
        double sum0 = 0.0;
        int t = 0;
        for (; t + 4 <= trees.length; t += 4) {
            CompleteTree ta = trees[t];
            CompleteTree tb = trees[t + 1];
            CompleteTree tc = trees[t + 2];
            CompleteTree td = trees[t + 3];
            int a = 0;
            int b = 0;
            int c = 0;
            int d = 0;
            for (int level = completeDepth; level > 0; level--) {
                a = ta.step(a, x, maskBits);
                b = tb.step(b, x, maskBits);
                c = tc.step(c, x, maskBits);
                d = td.step(d, x, maskBits);
            }
            sum = sum + ta.value[a - internal];
            sum = sum + tb.value[b - internal];
            sum = sum + tc.value[c - internal];
            sum = sum + td.value[d - internal];
            if (votes) {
                sum0 = sum0 + ta.value0[a - internal];
                sum0 = sum0 + tb.value0[b - internal];
                sum0 = sum0 + tc.value0[c - internal];
                sum0 = sum0 + td.value0[d - internal];
            }
        }
        for (; t < trees.length; t++) {
            CompleteTree tree = trees[t];
            int i = 0;
            for (int level = completeDepth; level > 0; level--) {
                i = tree.step(i, x, maskBits);
            }
            sum = sum + tree.value[i - internal];
            sum0 = sum0 + tree.value0[i - internal];
        }
        return switch (combine) {
            case WEIGHTED_SUM -> sum; // the leaves' values are already times the tree weights
            case MEAN -> sum / trees.length;
            case VOTE_SHARE -> sum / (sum0 + sum);
            default -> throw new IllegalStateException("unknown combination " + combine);
        };
    }

    /** The node index (in {@link #value}) of the leaf of tree {@code t} that {@code x} lands in. */
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

    /** The assembled vector's elements {@link #score} expects, in order (tests). */
    int[] slots() {
        return slots.clone();
    }

    /** Whether the complete layout is in use (tests). */
    boolean completeLayout() {
        return complete;
    }

    @Override
    public String toString() {
        return kind + "(" + feature.length + " trees, " + slots.length + " features, " + (complete ? "complete" : "pointer")
                + " layout)";
    }
}
