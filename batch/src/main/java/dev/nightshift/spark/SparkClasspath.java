package dev.nightshift.spark;

import java.nio.file.Files;
import java.nio.file.Path;

/** The spark-jobs jar and the folder of its Spark, Delta and JDBC dependencies. */
public record SparkClasspath(Path jobsJar, Path libDir) {

    /** Fails fast, at start-up, naming what is missing and how to build it. */
    public SparkClasspath verified() {
        if (!Files.isRegularFile(jobsJar)) {
            throw new IllegalStateException("Spark jobs jar not found at " + jobsJar
                    + "; build it with: mvn -q -DskipTests package (or set nightshift.spark.jobs-jar)");
        }
        if (!Files.isDirectory(libDir)) {
            throw new IllegalStateException("Spark library folder not found at " + libDir
                    + "; build it with: mvn -q -DskipTests package (or set nightshift.spark.lib-dir)");
        }
        return this;
    }
}
