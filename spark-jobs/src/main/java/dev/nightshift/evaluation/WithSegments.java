package dev.nightshift.evaluation;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The rows of a one-pass evaluation ({@link ClassificationBootstrap#metricsAndIntervals}, {@link
 * RegressionBootstrap#metricsAndIntervals}): one per group, and one per group, segment column and value, with
 * {@link Segments#SEGMENT} and {@link Segments#SEGMENT_VALUE} after the group keys (empty without segment columns).
 */
record WithSegments(Dataset<Row> groups, Dataset<Row> segments) {
}
