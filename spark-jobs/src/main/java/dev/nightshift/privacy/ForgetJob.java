package dev.nightshift.privacy;

import dev.nightshift.contract.Columns;
import dev.nightshift.contract.ForgetArgs;
import dev.nightshift.contract.JobEnvironment;
import dev.nightshift.contract.Warehouse;
import dev.nightshift.spark.DbConfig;
import dev.nightshift.spark.JobMain;
import io.delta.tables.DeltaTable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;

/**
 * Erases entities from a pipeline's warehouse Delta tables (predictions, shadow predictions, quarantine): one Delta
 * {@code MERGE ... DELETE} per table, deletion vectors purged (so no file still holds a deleted row), then {@code VACUUM} keeping
 * {@code retentionHours} of history, so the files a time-travel read would still find are gone once that retention has
 * passed (at once with 0, the default). Writes the rows deleted per table to the erasure's row; PostgreSQL rows and the
 * audit log are the orchestrator's. Logs counts only, never a key.
 */
public final class ForgetJob {
    private static final Logger log = LoggerFactory.getLogger(ForgetJob.class);
    /** Delta refuses a VACUUM retention under this unless its safety check is disabled (see README "Privacy"). */
    static final int DELTA_DEFAULT_MIN_RETENTION_HOURS = 168;
    private static final String KEY = "__nightshift_forget_key";

    private ForgetJob() {
    }

    public static void main(String[] args) {
        JobMain.run("nightshift-forget", args, ForgetArgs::parse,
                (spark, a) -> run(spark, a, ForgetArgs.keys(System.getenv(JobEnvironment.FORGET_KEYS)), DbConfig.fromEnv()));
    }

    /** Returns the rows deleted per table ({@code predictions}, {@code shadow}, {@code quarantine}); absent tables count 0. */
    public static Map<String, Long> run(SparkSession spark, ForgetArgs args, List<String> keys, DbConfig db) throws Exception {
        Map<String, Long> deleted = erase(spark, args, keys);
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement("UPDATE nightshift.erasures SET delta_rows = ?::jsonb WHERE id = ? AND pipeline = ?")) {
            ps.setString(1, json(deleted));
            ps.setLong(2, args.erasureId());
            ps.setString(3, args.pipeline());
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("erasure " + args.erasureId() + " of pipeline '" + args.pipeline() + "' does not exist");
            }
        }
        return deleted;
    }

    /** The Delta part alone: delete, purge, vacuum every table of the pipeline. */
    public static Map<String, Long> erase(SparkSession spark, ForgetArgs args, List<String> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("ForgetJob: no entity keys to erase");
        }
        Map<String, String> tables = new LinkedHashMap<>();
        tables.put("predictions", Warehouse.predictions(args.warehouse(), args.pipeline()));
        tables.put("shadow", Warehouse.shadowPredictions(args.warehouse(), args.pipeline()));
        tables.put("quarantine", Warehouse.quarantine(args.warehouse(), args.pipeline()));
        Map<String, Long> deleted = new LinkedHashMap<>();
        for (Map.Entry<String, String> t : tables.entrySet()) {
            String idColumn = t.getKey().equals("quarantine") ? args.idColumn() : Columns.ENTITY_ID;
            deleted.put(t.getKey(), eraseTable(spark, t.getValue(), idColumn, keys, args.retentionHours()));
            log.info("{}: {} rows of {} entity keys erased from {}", args.pipeline(), deleted.get(t.getKey()), keys.size(), t.getValue());
        }
        return deleted;
    }

    static long eraseTable(SparkSession spark, String path, String idColumn, List<String> keys, int retentionHours) {
        if (!DeltaTable.isDeltaTable(spark, path)) {
            return 0;
        }
        DeltaTable table = DeltaTable.forPath(spark, path);
        if (!Arrays.asList(table.toDF().columns()).contains(idColumn)) {
            throw new IllegalStateException("Delta table " + path + " has no id column '" + idColumn + "'; columns present: "
                    + String.join(", ", table.toDF().columns()) + "; cannot erase from it");
        }
        // Later commits write no per-column min/max statistics, which would otherwise keep ids in the _delta_log.
        spark.sql("ALTER TABLE delta.`" + path + "` SET TBLPROPERTIES ('delta.dataSkippingNumIndexedCols' = '0')");
        // A MERGE against the keys as a table, not a DELETE with the keys in its predicate: Delta records a DELETE's
        // predicate, values included, in the commit info of its _delta_log, which no VACUUM removes.
        Dataset<Row> keyTable = spark.createDataset(keys, Encoders.STRING()).toDF(KEY).distinct();
        Column matches = col("t." + idColumn).cast("string").equalTo(col("k." + KEY));
        long rows = table.toDF().as("t").join(keyTable.as("k"), matches, "left_semi").count();
        if (rows > 0) {
            table.as("t").merge(keyTable.as("k"), matches).whenMatched().delete().execute();
        }
        // With deletion vectors a delete only marks rows; PURGE rewrites the files that still hold them.
        spark.sql("REORG TABLE delta.`" + path + "` APPLY (PURGE)");
        vacuum(spark, table, retentionHours);
        long left = DeltaTable.forPath(spark, path).toDF().as("t").join(keyTable.as("k"), matches, "left_semi").count();
        if (left != 0) {
            throw new IllegalStateException("Delta table " + path + " still has " + left + " rows of the erased entities after the delete");
        }
        return rows;
    }

    private static void vacuum(SparkSession spark, DeltaTable table, int retentionHours) {
        String check = "spark.databricks.delta.retentionDurationCheck.enabled";
        String before = spark.conf().get(check, "true");
        if (retentionHours < DELTA_DEFAULT_MIN_RETENTION_HOURS) {
            // Only for this VACUUM: the orchestrator refuses to forget while a run of the pipeline writes to its tables.
            spark.conf().set(check, "false");
        }
        try {
            table.vacuum(retentionHours);
        } finally {
            spark.conf().set(check, before);
        }
    }

    private static String json(Map<String, Long> counts) {
        StringBuilder sb = new StringBuilder("{");
        counts.forEach((k, v) -> sb.append(sb.length() > 1 ? ", " : "").append('"').append(k).append("\": ").append(v));
        return sb.append('}').toString();
    }
}
