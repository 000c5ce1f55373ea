package dev.nightshift.spark;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One Spark application to submit: its main class, arguments, a name for logs, a required timeout, and the pipeline
 * it works for (null for applications of no pipeline, e.g. data generation), whose Spark settings apply.
 * {@code environment}: extra variables of the driver's environment, for values that must not be process arguments
 * (e.g. the entity ids {@code nightshift forget} erases); {@link #toString} shows their names only.
 */
public record SparkApplication(String name, String mainClass, List<String> args, Duration timeout, String pipeline,
                               Map<String, String> environment) {

    public SparkApplication(String name, String mainClass, List<String> args, Duration timeout) {
        this(name, mainClass, args, timeout, null);
    }

    public SparkApplication(String name, String mainClass, List<String> args, Duration timeout, String pipeline) {
        this(name, mainClass, args, timeout, pipeline, Map.of());
    }

    public SparkApplication {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mainClass, "mainClass");
        Objects.requireNonNull(timeout, "a timeout is required so that a hung Spark job cannot hang the run forever");
        args = List.copyOf(args);
        environment = environment == null ? Map.of() : Map.copyOf(environment);
    }

    @Override
    public String toString() {
        return "SparkApplication[name=" + name + ", mainClass=" + mainClass + ", args=" + args + ", timeout=" + timeout
                + ", pipeline=" + pipeline + ", environment=" + environment.keySet() + "]";
    }
}
