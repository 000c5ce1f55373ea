package dev.nightshift.scoring;

import dev.nightshift.contract.Columns;
import dev.nightshift.contract.Tables;
import dev.nightshift.spark.DbConfig;
import dev.nightshift.spark.PgBinaryCopy;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.VoidFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.SQLExecution$;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

/**
 * Lands one night's predictions in {@code nightshift.predictions}, where a night of one pipeline is one leaf partition
 * (V19). Executors binary-COPY their partitions into the run's staging table, which has the leaf's shape and no index
 * (a retried task first deletes what an earlier attempt of it committed); then the driver, in one transaction under the
 * night's advisory lock, has PostgreSQL swap the staging table in as the night's leaf (and index it after: V20). Until
 * that commit, readers and any failure see the previous rows of the night.
 *
 * <p>The five columns every row of the night shares (its {@link Predictions.Stamp}: pipeline, business date, model
 * version, run, scored_at) are the staging table's column defaults (V21), so the COPY carries only entity_id, score
 * and prediction; each row is checked against the stamp on its way (a row of another night, model or run fails the
 * task, naming its entity id and the column), and publish drops the defaults before the swap. Each task records its
 * COPY's row count with its rows, and publish checks their sum instead of counting the staged rows (V21).
 */
public final class PostgresPredictions {

    /** What the executors COPY; the rest of {@link Predictions#COLUMNS} come from the stamp's defaults. */
    private static final String[] COPIED = {Columns.ENTITY_ID, Columns.SCORE, Columns.PREDICTION};
    private static final String COPY_COLUMNS = String.join(", ", COPIED) + ", spark_partition";
    /** The rows as the executors read them: {@link #COPIED}, then null or how the row differs from the stamp. */
    private static final String MISMATCH = "stamp_mismatch";
    private static final int FLUSH_BYTES = 1 << 20;
    /** {@link #COPIED} plus spark_partition. */
    private static final int FIELDS = COPIED.length + 1;

    private PostgresPredictions() {
    }

    public static String stagingTable(long runId) {
        return Tables.WORK_SCHEMA + ".predictions_stage_" + runId;
    }

    /**
     * Creates the run's staging table for the night of {@code stamp} and binary-COPYs {@code rows} (contract columns,
     * all of that night and stamp) into it, one transaction per Spark partition. Nothing readers see changes; on
     * failure (a row the table refuses, or a row whose pipeline, business date, model version, run or scored_at is not
     * the stamp's) the staging table is dropped.
     */
    public static void stage(Dataset<Row> rows, DbConfig db, Predictions.Stamp stamp) throws SQLException {
        String stage;
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement("SELECT " + Tables.CREATE_PREDICTIONS_STAGE + "(?, ?, ?, ?, ?)")) {
            ps.setLong(1, stamp.runId());
            ps.setString(2, stamp.pipeline());
            ps.setObject(3, stamp.businessDate());
            ps.setLong(4, stamp.modelVersionId());
            ps.setObject(5, micros(stamp.scoredAt()).atOffset(ZoneOffset.UTC));
            try (ResultSet r = ps.executeQuery()) {
                r.next();
                stage = r.getString(1);
            }
        }
        try {
            // Spark's internal rows, not Row objects: no conversion of every row (and its id to a Java string and back to
            // UTF-8) before the COPY. As a query of its own, as Dataset.foreachPartition would run it, so that Spark's
            // SQL metrics and query listeners see it.
            // (toRdd inside it too: with adaptive execution, building the RDD already runs the plan's shuffle stages.)
            Dataset<Row> wired = wire(rows, stamp);
            CopyPartition copy = new CopyPartition(db, stage, stamp);
            scala.Function0<Object> land = () -> {
                wired.queryExecution().toRdd().toJavaRDD().foreachPartition(copy);
                return null;
            };
            SQLExecution$.MODULE$.withNewExecutionId(wired.queryExecution(), scala.Option.apply("nightshift: landing"), land);
        } catch (Throwable e) { // a failed task surfaces as SparkException, a checked exception Scala throws undeclared
            dropQuietly(db, stamp.runId(), e);
            throw e;
        }
    }

    /**
     * {@link #COPIED} and {@link #MISMATCH}: null when the row carries the stamp, else the first stamp column it
     * differs in and its value: five comparisons a row in Spark's generated code.
     */
    static Dataset<Row> wire(Dataset<Row> rows, Predictions.Stamp stamp) {
        Column[] columns = new Column[COPIED.length + 1];
        for (int i = 0; i < COPIED.length; i++) {
            columns[i] = col(COPIED[i]);
        }
        Object[][] stamped = {{Columns.PIPELINE, stamp.pipeline()}, {Columns.BUSINESS_DATE, stamp.businessDate()},
                {Columns.MODEL_VERSION_ID, stamp.modelVersionId()}, {Columns.RUN_ID, stamp.runId()},
                {Columns.SCORED_AT, micros(stamp.scoredAt())}};
        Column mismatch = lit(null).cast("string");
        for (int i = stamped.length - 1; i >= 0; i--) {
            String name = (String) stamped[i][0];
            mismatch = when(not(col(name).eqNullSafe(lit(stamped[i][1]))),
                    concat(lit(name + " "), coalesce(col(name).cast("string"), lit("null")))).otherwise(mismatch);
        }
        columns[COPIED.length] = mismatch.as(MISMATCH);
        return rows.select(columns);
    }

    /** Spark's and PostgreSQL's timestamps hold microseconds: the stamp's instant as both store it. */
    private static Instant micros(Instant at) {
        return at.truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * In one transaction: replaces the night (pipeline, date) by the staged rows, records the count and model on the
     * run row. Fails (changing nothing) unless the tasks' COPY records add up to exactly {@code expectedRows}. The
     * staging table and the records are gone afterwards either way. Then, in a transaction of its own, indexes the published night ({@link #index}). Returns
     * the number of rows published.
     */
    public static long publish(DbConfig db, String pipeline, LocalDate date, long modelVersionId, long runId, long expectedRows)
            throws SQLException {
        long published = swapIn(db, pipeline, date, modelVersionId, runId, expectedRows);
        index(db, pipeline, date);
        return published;
    }

    /** {@link #publish} without the index: the one transaction that makes the night visible. */
    public static long swapIn(DbConfig db, String pipeline, LocalDate date, long modelVersionId, long runId, long expectedRows)
            throws SQLException {
        try {
            return swap(db, pipeline, date, modelVersionId, runId, expectedRows);
        } catch (RuntimeException | SQLException e) {
            dropQuietly(db, runId, e);
            throw e;
        }
    }

    /**
     * Builds the unique index on entity_id of the published night's leaf unless it exists: after the swap commits, so
     * that its build is not part of the publishing transaction (readers already see the night and are not blocked by
     * it). Fails if the night holds an entity id twice, which validation rules out.
     */
    public static void index(DbConfig db, String pipeline, LocalDate date) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement("SELECT " + Tables.INDEX_PREDICTIONS_LEAF + "(?, ?)")) {
            ps.setString(1, pipeline);
            ps.setObject(2, date);
            ps.executeQuery().close();
        }
    }

    private static long swap(DbConfig db, String pipeline, LocalDate date, long modelVersionId, long runId, long expectedRows)
            throws SQLException {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try {
                // Two publishers of the same night (e.g. a restarted run and a late one) take turns: the second one
                // then replaces the leaf the first one committed.
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?), ?)")) {
                    ps.setString(1, "predictions:" + pipeline);
                    ps.setInt(2, (int) date.toEpochDay());
                    ps.executeQuery().close();
                }
                long landed;
                try (PreparedStatement ps = c.prepareStatement("SELECT " + Tables.PUBLISH_PREDICTIONS_STAGE + "(?, ?, ?, ?)")) {
                    ps.setLong(1, runId);
                    ps.setString(2, pipeline);
                    ps.setObject(3, date);
                    ps.setLong(4, expectedRows);
                    try (ResultSet r = ps.executeQuery()) {
                        r.next();
                        landed = r.getLong(1);
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + Tables.RUNS
                        + " SET rows_scored = ?, model_version_id = ? WHERE id = ?")) {
                    ps.setLong(1, landed);
                    ps.setLong(2, modelVersionId);
                    ps.setLong(3, runId);
                    if (ps.executeUpdate() != 1) {
                        throw new IllegalStateException("run " + runId + " does not exist in " + Tables.RUNS);
                    }
                }
                c.commit();
                return landed;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static void dropQuietly(DbConfig db, long runId, Throwable failure) {
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement("SELECT " + Tables.DROP_PREDICTIONS_STAGE + "(?)")) {
            ps.setLong(1, runId);
            ps.executeQuery().close();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    /** Binary-COPYs one Spark partition into the staging table, replacing whatever an earlier attempt of it left. */
    static final class CopyPartition implements VoidFunction<Iterator<InternalRow>> {
        private final DbConfig db;
        private final String stage;
        /** The stamp, as the error of a row without it states it. */
        private final String stamp;

        CopyPartition(DbConfig db, String stage, Predictions.Stamp stamp) {
            this.db = db;
            this.stage = stage;
            this.stamp = "pipeline " + stamp.pipeline() + ", business_date " + stamp.businessDate() + ", model_version_id "
                    + stamp.modelVersionId() + ", run_id " + stamp.runId() + " and scored_at " + micros(stamp.scoredAt());
        }

        /** {@code rows}: as {@link #wire} makes them, in Spark's internal form. */
        @Override
        public void call(Iterator<InternalRow> rows) throws Exception {
            TaskContext task = TaskContext.get();
            int partition = task == null ? 0 : task.partitionId();
            // Only a retried task (or a task of a retried stage) can find rows of its own: a first attempt skips the
            // DELETE, which has no index to use. It deletes the earlier attempt's rows and record of them in one
            // statement, so in one snapshot. Two attempts committing both are caught by publish's sum of the records.
            // Outside a Spark task (a test replaying one) it counts as a retry of partition 0.
            boolean retry = task == null || task.attemptNumber() > 0 || task.stageAttemptNumber() > 0;
            String copied = stage + "_copied";
            try (Connection c = db.connect()) {
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) { // the order publish locks them in
                    s.execute("LOCK TABLE " + copied + ", " + stage + " IN ROW EXCLUSIVE MODE");
                }
                if (retry) {
                    try (PreparedStatement ps = c.prepareStatement("WITH gone AS (DELETE FROM " + copied + " WHERE spark_partition = ?)"
                            + " DELETE FROM " + stage + " WHERE spark_partition = ?")) {
                        ps.setInt(1, partition);
                        ps.setInt(2, partition);
                        ps.executeUpdate();
                    }
                }
                long written;
                CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI()
                        .copyIn("COPY " + stage + " (" + COPY_COLUMNS + ") FROM STDIN WITH (FORMAT binary)");
                try {
                    PgBinaryCopy out = new PgBinaryCopy(copy, FLUSH_BYTES);
                    while (rows.hasNext()) {
                        InternalRow r = rows.next();
                        if (!r.isNullAt(COPIED.length)) {
                            throw new IllegalArgumentException("prediction row with entity_id " + (r.isNullAt(0) ? null : r.getUTF8String(0))
                                    + " is not of the night being landed: its " + r.getUTF8String(COPIED.length)
                                    + ", where every row of the night has " + stamp);
                        }
                        write(r, partition, out);
                    }
                    out.finish();
                    written = copy.endCopy();
                } finally {
                    if (copy.isActive()) {
                        copy.cancelCopy();
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + copied + " (spark_partition, rows) VALUES (?, ?)")) {
                    ps.setInt(1, partition);
                    ps.setLong(2, written);
                    ps.executeUpdate();
                }
                c.commit();
            }
        }
    }

    /** One row's {@link #COPIED} columns (nulls where it has them) and the partition. */
    private static void write(InternalRow r, int partition, PgBinaryCopy out) throws SQLException {
        out.row(FIELDS);
        out.text(r.isNullAt(0) ? null : r.getUTF8String(0));
        float8(r, 1, out);
        float8(r, 2, out);
        out.int4(partition);
    }

    private static void float8(InternalRow r, int i, PgBinaryCopy out) {
        if (r.isNullAt(i)) {
            out.nullValue();
        } else {
            out.float8(r.getDouble(i));
        }
    }
}
