package dev.nightshift.scoring.compiled;

import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.tree.CategoricalSplit;
import org.apache.spark.ml.tree.ContinuousSplit;
import org.apache.spark.ml.tree.InternalNode;
import org.apache.spark.ml.tree.LeafNode;
import org.apache.spark.ml.tree.Node;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.ToDoubleFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link TreeEnsemble}'s two layouts against MLlib's own walk ({@code Node.predictImpl} on a dense vector): random
 * trees with continuous and categorical splits and leaves at every depth, rows with NaN, ±∞, ±0 and values equal to
 * the thresholds. The combination of the trees' values is recomputed here in tree order, so scores must be equal to
 * the last bit.
 */
class TreeEnsembleTest {

    private static final int VECTOR = 12;
    /** Vector elements 0..3 are categorical with these many categories; the rest are continuous. */
    private static final int[] CATEGORIES = {2, 5, 31, 70};

    @Test
    void shallowTreesUseTheCompleteLayoutAndLandWhereMllibDoes() {
        Random random = new Random(7);
        for (int round = 0; round < 40; round++) {
            int trees = 1 + random.nextInt(25);
            List<Node> roots = new ArrayList<>();
            for (int t = 0; t < trees; t++) {
                roots.add(tree(random, 0, 1 + random.nextInt(8), CATEGORIES));
            }
            checkAllCombinations(random, roots, CATEGORIES, true);
        }
    }

    @Test
    void deepTreesAndLargeCategoryCountsKeepThePointerWalk() {
        Random random = new Random(11);
        for (int round = 0; round < 10; round++) {
            List<Node> roots = new ArrayList<>();
            roots.add(chain(random, 17)); // padded, a tree of depth 17 alone exceeds the complete layout's budget
            roots.add(tree(random, 0, 5, CATEGORIES));
            checkAllCombinations(random, roots, CATEGORIES, false);
        }
        int[] huge = {2, 5, 31, 5000}; // categories up to 4999: above the masks' 1,024
        Random r = new Random(13);
        for (int round = 0; round < 10; round++) {
            List<Node> roots = List.of(tree(r, 0, 6, huge), tree(r, 0, 6, huge), categoricalStump(r, 3, 5000));
            checkAllCombinations(r, roots, huge, false);
        }
    }

    private static void checkAllCombinations(Random random, List<Node> roots, int[] categories, boolean complete) {
        double[] weights = random.doubles(roots.size(), -1, 1).toArray();
        ToDoubleFunction<LeafNode> prediction = LeafNode::prediction;
        ToDoubleFunction<LeafNode> impurity = LeafNode::impurity;
        try {
            check(TreeEnsemble.weightedSum("test", roots, weights, VECTOR, prediction), roots, categories, random, complete,
                    values -> {
                        double sum = 0.0;
                        for (int t = 0; t < roots.size(); t++) {
                            sum = sum + values.apply(t, prediction) * weights[t];
                        }
                        return sum;
                    });
            check(TreeEnsemble.mean("test", roots, VECTOR, prediction), roots, categories, random, complete, values -> {
                double sum = 0.0;
                for (int t = 0; t < roots.size(); t++) {
                    sum = sum + values.apply(t, prediction);
                }
                return sum / roots.size();
            });
            check(TreeEnsemble.voteShare("test", roots, VECTOR, impurity, prediction), roots, categories, random, complete, values -> {
                double votes0 = 0.0;
                double votes1 = 0.0;
                for (int t = 0; t < roots.size(); t++) {
                    votes0 = votes0 + values.apply(t, impurity);
                    votes1 = votes1 + values.apply(t, prediction);
                }
                return votes1 / (votes0 + votes1);
            });
            // the first tree alone: its layout depends on that tree only, so it is not checked
            check(TreeEnsemble.single("test", roots.get(0), VECTOR, prediction), roots.subList(0, 1), categories, random, null,
                    values -> values.apply(0, prediction));
        } catch (Untranslatable e) {
            throw new AssertionError(e);
        }
    }

    interface LeafValues {
        double apply(int tree, ToDoubleFunction<LeafNode> value);
    }

    interface Reference {
        double of(LeafValues values);
    }

    private static void check(TreeEnsemble ensemble, List<Node> roots, int[] categories, Random random, Boolean complete,
                              Reference reference) {
        if (complete != null) {
            assertThat(ensemble.completeLayout()).as(ensemble.toString()).isEqualTo(complete);
        }
        int[] slots = ensemble.slots();
        for (int row = 0; row < 300; row++) {
            double[] vector = row(random, categories);
            LeafNode[] leaves = new LeafNode[roots.size()];
            for (int t = 0; t < roots.size(); t++) {
                leaves[t] = roots.get(t).predictImpl(Vectors.dense(vector)); // MLlib's walk
            }
            double expected = reference.of((t, value) -> value.applyAsDouble(leaves[t]));
            Object[] x = new Object[slots.length];
            for (int k = 0; k < slots.length; k++) {
                x[k] = vector[slots[k]];
            }
            ArrayData array = new GenericArrayData(x);
            assertThat(Double.doubleToRawLongBits(ensemble.score(array)))
                    .as("%s, row %s", ensemble, java.util.Arrays.toString(vector))
                    .isEqualTo(Double.doubleToRawLongBits(expected));
        }
    }

    /** A random row: valid category indexes (0 sometimes as -0.0) for the categorical elements, anything for the rest. */
    private static double[] row(Random random, int[] categories) {
        double[] v = new double[VECTOR];
        for (int i = 0; i < VECTOR; i++) {
            if (i < categories.length) {
                int c = random.nextInt(categories[i]);
                v[i] = c == 0 && random.nextBoolean() ? -0.0 : c;
            } else {
                v[i] = switch (random.nextInt(12)) {
                    case 0 -> Double.NaN;
                    case 1 -> Double.POSITIVE_INFINITY;
                    case 2 -> Double.NEGATIVE_INFINITY;
                    case 3 -> -0.0;
                    case 4 -> 0.0;
                    case 5 -> Math.round(random.nextGaussian() * 4) / 4.0; // often equal to a threshold below
                    default -> random.nextGaussian() * 3;
                };
            }
        }
        return v;
    }

    /** A random tree of at most {@code maxDepth} levels below {@code depth}; leaves may stop early. */
    private static Node tree(Random random, int depth, int maxDepth, int[] categories) {
        if (depth == maxDepth || depth > 0 && random.nextInt(5) == 0) {
            return leaf(random);
        }
        int feature = random.nextInt(VECTOR);
        Node left = tree(random, depth + 1, maxDepth, categories);
        Node right = tree(random, depth + 1, maxDepth, categories);
        if (feature < categories.length) {
            return new InternalNode(0.0, 0.0, 0.0, left, right, categorical(random, feature, categories[feature]), null);
        }
        return new InternalNode(0.0, 0.0, 0.0, left, right, new ContinuousSplit(feature, Math.round(random.nextGaussian() * 4) / 4.0), null);
    }

    /** A path of {@code depth} continuous splits, each with a leaf on one side. */
    private static Node chain(Random random, int depth) {
        if (depth == 0) {
            return leaf(random);
        }
        Node rest = chain(random, depth - 1);
        ContinuousSplit split = new ContinuousSplit(CATEGORIES.length + random.nextInt(VECTOR - CATEGORIES.length), random.nextGaussian());
        return random.nextBoolean() ? new InternalNode(0.0, 0.0, 0.0, rest, leaf(random), split, null)
                : new InternalNode(0.0, 0.0, 0.0, leaf(random), rest, split, null);
    }

    private static Node categoricalStump(Random random, int feature, int categories) {
        return new InternalNode(0.0, 0.0, 0.0, leaf(random), leaf(random), categorical(random, feature, categories), null);
    }

    private static CategoricalSplit categorical(Random random, int feature, int categories) {
        List<Double> left = new ArrayList<>();
        for (int c = 0; c < categories; c++) {
            if (random.nextBoolean()) {
                left.add((double) c);
            }
        }
        if (left.isEmpty()) {
            left.add((double) (categories - 1));
        }
        return new CategoricalSplit(feature, left.stream().mapToDouble(Double::doubleValue).toArray(), categories);
    }

    private static LeafNode leaf(Random random) {
        return new LeafNode(random.nextGaussian(), random.nextDouble(), null);
    }
}
