package dev.nightshift.scoring.compiled;

import org.apache.spark.ml.tree.CategoricalSplit;
import org.apache.spark.ml.tree.ContinuousSplit;
import org.apache.spark.ml.tree.InternalNode;
import org.apache.spark.ml.tree.LeafNode;
import org.apache.spark.ml.tree.Node;
import org.apache.spark.ml.tree.Split;
import org.apache.spark.sql.Column;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

/**
 * A fitted decision tree as one nested CASE expression that follows the same path as MLlib's
 * {@code Node.predictImpl}: a continuous split goes left when {@code value <= threshold}, a categorical split when
 * the value is one of the left categories. Splits on a one-hot element test the encoded index instead of the 0/1
 * value, and splits whose outcome a one-hot element fixes are removed.
 */
final class TreeExpressions {

    private TreeExpressions() {
    }

    /** The leaves of {@code root} in the order {@link #leafOrdinal} numbers them (left before right). */
    static List<LeafNode> leaves(Node root) {
        List<LeafNode> leaves = new ArrayList<>();
        collect(root, leaves);
        return leaves;
    }

    /** The tree with each leaf replaced by {@code leafValue(leaf)}. */
    static Column tree(Node root, List<Slot> features, Function<LeafNode, Column> leafValue) throws Untranslatable {
        if (root instanceof LeafNode leaf) {
            return leafValue.apply(leaf);
        }
        InternalNode node = (InternalNode) root;
        Condition left = goesLeft(node.split(), features);
        if (left.always() != null) {
            return tree(left.always() ? node.leftChild() : node.rightChild(), features, leafValue);
        }
        return when(left.test(), tree(node.leftChild(), features, leafValue))
                .otherwise(tree(node.rightChild(), features, leafValue));
    }

    /** The tree returning the ordinal (an int, see {@link #leaves}) of the leaf a row lands in. */
    static Column leafOrdinal(Node root, List<Slot> features) throws Untranslatable {
        Map<LeafNode, Integer> ordinals = new IdentityHashMap<>();
        for (LeafNode leaf : leaves(root)) {
            ordinals.put(leaf, ordinals.size());
        }
        return tree(root, features, leaf -> lit(ordinals.get(leaf)));
    }

    private static void collect(Node node, List<LeafNode> leaves) {
        if (node instanceof LeafNode leaf) {
            leaves.add(leaf);
        } else {
            collect(((InternalNode) node).leftChild(), leaves);
            collect(((InternalNode) node).rightChild(), leaves);
        }
    }

    /** A split's test; {@code always} is set when the outcome does not depend on the row. */
    private record Condition(Column test, Boolean always) {
        static Condition of(boolean outcome) {
            return new Condition(null, outcome);
        }
    }

    private static Condition goesLeft(Split split, List<Slot> features) throws Untranslatable {
        int index = split.featureIndex();
        if (index < 0 || index >= features.size()) {
            throw new Untranslatable("a tree splits on feature " + index + " but the assembled vector has " + features.size());
        }
        Slot feature = features.get(index);
        if (split instanceof ContinuousSplit c) {
            double t = c.threshold();
            if (feature instanceof Slot.OneHot oneHot) {
                // value is 0.0 or 1.0: 1.0 <= t always holds from t >= 1, 0.0 <= t never from t < 0
                if (t >= 1.0) {
                    return Condition.of(true);
                }
                if (t < 0.0) {
                    return Condition.of(false);
                }
                return new Condition(not(oneHot.isHot()), null);
            }
            return new Condition(feature.value().leq(lit(t)), null);
        }
        if (split instanceof CategoricalSplit c) {
            double[] left = c.leftCategories();
            if (feature instanceof Slot.OneHot oneHot) {
                boolean zero = Arrays.stream(left).anyMatch(v -> v == 0.0);
                boolean one = Arrays.stream(left).anyMatch(v -> v == 1.0);
                if (zero == one) {
                    return Condition.of(zero);
                }
                return new Condition(one ? oneHot.isHot() : not(oneHot.isHot()), null);
            }
            return new Condition(feature.value().isin(Arrays.stream(left).boxed().toArray()), null);
        }
        throw new Untranslatable("unknown tree split type " + split.getClass().getName());
    }
}
