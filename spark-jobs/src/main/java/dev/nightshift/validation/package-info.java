/**
 * Validation of a night's input before it is scored: a data contract derived from the pipeline spec's features and
 * the scoring model's training profile, row-level checks that split the night into valid rows (scored) and
 * quarantined rows (written with their reasons to the warehouse quarantine table), and dataset-level gates (bad-row
 * share, row count against recent nights) that fail the run before scoring. Every check's outcome is a row of
 * {@code nightshift.data_quality}.
 *
 * <p>Validation runs inside ScoreJob's Spark application, not as a ValidateJob of its own as the design sketch
 * has it: a separate application would pay the JVM and Spark session start-up again every night (3–5 s measured
 * per application on the 2-core machines, more under load), and it would have to write the valid rows somewhere
 * for the score step to read back.
 */
package dev.nightshift.validation;
