package dev.nightshift.spark;

import org.apache.spark.sql.SparkSession;

/** Builds the one SparkSession of a Nightshift job; the master comes from spark-submit, never from code. */
public final class SparkSessions {

    private SparkSessions() {
    }

    /** The session of a submitted job: master, deploy mode and resources come from spark-submit. */
    public static SparkSession create(String appName) {
        return configure(SparkSession.builder().appName(appName)).getOrCreate();
    }

    /** Applies the settings every Nightshift session needs (jobs and tests alike). */
    public static SparkSession.Builder configure(SparkSession.Builder builder) {
        return builder
                .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                .config("spark.sql.session.timeZone", "UTC")
                // Rows carry java.time.LocalDate / Instant, so dates never depend on the JVM's default zone.
                .config("spark.sql.datetime.java8API.enabled", "true")
                // Nightly batches are small to medium; 200 shuffle partitions would mostly be empty tasks.
                .config("spark.sql.shuffle.partitions", "8")
                // Delta rebuilds a table's state from its log with 50 tasks by default. Nightshift's tables hold one
                // partition per night with a few files each: thousands of files after years, a state one task handles.
                // Each write, delete or read of a table rebuilds it once per JVM; in a probe (2,000,000 rows written, 2
                // cores, a hint) that job took 0.9-2.5 s with 8 tasks and 0.1-0.3 s with one.
                .config("spark.databricks.delta.snapshotPartitions", "1")
                // Delta's VACUUM lists a table's folders in this many tasks (Spark's default: 10,000, for file listings
                // over many paths): on a table of a few nights, 10,000 nearly empty tasks per VACUUM (ForgetJob). With 16,
                // each task lists several folders of a long-lived table (not measured on thousands of folders).
                // Spark's own parallel listing (more than 32 paths) uses min(paths, this).
                .config("spark.sql.sources.parallelPartitionDiscovery.parallelism", "16")
                .config("spark.ui.enabled", "false")
                // Hadoop's local file system starts a chmod process for each file it creates (no native library):
                // this one sets the same permissions through java.nio (NioLocalFileSystem).
                .config("spark.hadoop.fs.file.impl", NioLocalFileSystem.class.getName())
                // Tables Nightshift creates keep no per-column min/max statistics in their _delta_log: those would hold
                // entity ids (of erased entities too) that no DELETE or VACUUM removes. Only partition pruning is used.
                .config("spark.databricks.delta.properties.defaults.dataSkippingNumIndexedCols", "0")
                // HotSpot does not JIT methods over 8,000 bytes of bytecode: fall back from whole-stage code generation
                // rather than run such a method interpreted (measured 3x slower, see DESIGN.md).
                .config("spark.sql.codegen.hugeMethodLimit", "8000")
                // Spark compiles no plan whose rows have more than spark.sql.codegen.maxFields (default 100) fields. An
                // aggregation over every feature has more (the reference profile's: six values per numeric feature); the
                // night's counts, one such aggregation in an earlier design, ran row by row at the default (docs/performance-log.md,
                // profiling benchmark). Large generated methods still fall back by the limit above.
                .config("spark.sql.codegen.maxFields", "2000")
                // Timestamps (the predictions' scored_at, any timestamp column of quarantined input) are written as
                // Parquet's INT64 TIMESTAMP(MICROS, adjusted to UTC), not Spark's default INT96: INT96 is deprecated in
                // Parquet, some readers of a warehouse need a setting for it or decode it as nanoseconds, and Spark
                // converts each INT96 value to a Julian day on write. Spark keeps microseconds, so nothing is lost;
                // tables holding INT96 files from before read as they did (Delta fixes only the logical type).
                .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
    }
}
