package dev.nightshift.spark;

import java.time.Duration;

/** How a successful Spark application went. */
public record SparkResult(String name, int exitCode, Duration elapsed) {
}
