package dev.nightshift.spark;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One Spark application to submit: its main class, arguments, a name for logs, a required timeout, and the pipeline
 * it works for (null for applications of no pipeline, e.g. data generation), whose Spark settings apply.
 */
public record SparkApplication(String name, String mainClass, List<String> args, Duration timeout, String pipeline) {

    public SparkApplication(String name, String mainClass, List<String> args, Duration timeout) {
        this(name, mainClass, args, timeout, null);
    }

    public SparkApplication {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mainClass, "mainClass");
        Objects.requireNonNull(timeout, "a timeout is required so that a hung Spark job cannot hang the run forever");
        args = List.copyOf(args);
    }
}
