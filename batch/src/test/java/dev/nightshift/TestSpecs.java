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
}
