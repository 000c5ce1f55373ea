package dev.nightshift;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Variants of the example specs in config/pipelines for tests. */
public final class TestSpecs {

    private TestSpecs() {
    }

    /**
     * The example churn spec renamed to {@code name}, without its monitoring and retraining sections (so a night only
     * scores): tests that exercise monitoring add their own.
     */
    public static String churnScoringOnly(Path churnYml, String name) throws IOException {
        String yaml = Files.readString(churnYml);
        int monitoring = yaml.indexOf("\nmonitoring:");
        if (monitoring < 0) {
            throw new IllegalStateException(churnYml + " has no monitoring section to cut; update TestSpecs");
        }
        return yaml.substring(0, monitoring + 1).replace("name: churn", "name: " + name);
    }

    /**
     * The example churn model (gradient-boosted trees: 20 trees of depth 4) with 5 trees, for tests that need a GBT
     * champion but not its quality: fewer boosting rounds to train (each several Spark jobs) and a smaller compiled
     * expression to generate in every night that scores with it. Equality of compiled and MLlib scoring for large
     * ensembles is checked in the spark-jobs module (CompiledScoringPropertyTest).
     */
    public static String fewerTrees(String yaml) {
        String trees = "maxDepth: 4, maxIter: 20,";
        if (!yaml.contains(trees)) {
            throw new IllegalStateException("the spec has no '" + trees + "' to change; update TestSpecs");
        }
        return yaml.replace(trees, "maxDepth: 4, maxIter: 5,");
    }
}
