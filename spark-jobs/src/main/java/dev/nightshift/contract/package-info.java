/**
 * The Spark-free contract between the orchestrator and the Spark jobs: pipeline spec records,
 * job argument records, environment variable names, and table and column names.
 * Nothing in this package may import Spark, Hadoop or Scala classes.
 */
package dev.nightshift.contract;
