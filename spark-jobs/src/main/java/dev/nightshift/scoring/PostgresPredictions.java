package dev.nightshift.scoring;

import dev.nightshift.contract.Tables;
import dev.nightshift.spark.DbConfig;
import dev.nightshift.spark.PgBinaryCopy;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Iterator;

/**
 * Lands one night's predictions in {@code nightshift.predictions}, where a night of one pipeline is one leaf partition
 * (V19). Executors binary-COPY their partitions into the run's staging table, which has the leaf's shape and no index
 * (a retried task first deletes what an earlier attempt of it committed); then the driver, in one transaction under the
 * night's advisory lock, has PostgreSQL swap the staging table in as the night's leaf (and index it after: V20). Until
 * that commit, readers and any failure see the previous rows of the night.
 */
public final class PostgresPredictions {

    private static final String COLUMN_LIST = String.join(", ", Predictions.COLUMNS);
    private static final int FLUSH_BYTES = 1 << 20;
    /** {@link Predictions#COLUMNS} plus spark_partition. */
    private static final int FIELDS = Predictions.COLUMNS.length + 1;

    private PostgresPredictions() {
    }

    public static String stagingTable(long runId) {
        return Tables.WORK_SCHEMA + ".predictions_stage_" + runId;
    }

    /**
     * Creates the run's staging table for the night (pipeline, date) and binary-COPYs {@code rows} (contract columns,
     * all of that night) into it, one transaction per Spark partition. Nothing readers see changes; on failure the
     * staging table is dropped.
     */
    public static void stage(Dataset<Row> rows, DbConfig db, String pipeline, LocalDate date, long runId) throws SQLException {
        String stage;
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement("SELECT " + Tables.CREATE_PREDICTIONS_STAGE + "(?, ?, ?)")) {
            ps.setLong(1, runId);
            ps.setString(2, pipeline);
            ps.setObject(3, date);
            try (ResultSet r = ps.executeQuery()) {
                r.next();
                stage = r.getString(1);
            }
        }
        try {
            rows.selectExpr(Predictions.COLUMNS).foreachPartition(new CopyPartition(db, stage));
        } catch (Throwable e) { // a failed task surfaces as SparkException, a checked exception Scala throws undeclared
            dropQuietly(db, runId, e);
            throw e;
        }
    }

    /**
     * In one transaction: replaces the night (pipeline, date) by the staged rows, records the count and model on the
     * run row. Fails (changing nothing) unless exactly {@code expectedRows} were staged. The staging table is gone
     * afterwards either way. Then, in a transaction of its own, indexes the published night ({@link #index}). Returns
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
    static final class CopyPartition implements ForeachPartitionFunction<Row> {
        private final DbConfig db;
        private final String stage;

        CopyPartition(DbConfig db, String stage) {
            this.db = db;
            this.stage = stage;
        }

        @Override
        public void call(Iterator<Row> rows) throws Exception {
            TaskContext task = TaskContext.get();
            int partition = task == null ? 0 : task.partitionId();
            // Only a retried task (or a task of a retried stage) can find rows of its own: a first attempt skips the
            // DELETE, which has no index to use. Two attempts committing both are caught by publish's row count. Outside
            // a Spark task (a test replaying one) it counts as a retry of partition 0.
            boolean retry = task == null || task.attemptNumber() > 0 || task.stageAttemptNumber() > 0;
            try (Connection c = db.connect()) {
                c.setAutoCommit(false);
                if (retry) {
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + stage + " WHERE spark_partition = ?")) {
                        ps.setInt(1, partition);
                        ps.executeUpdate();
                    }
                }
                CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI()
                        .copyIn("COPY " + stage + " (" + COLUMN_LIST + ", spark_partition) FROM STDIN WITH (FORMAT binary)");
                try {
                    PgBinaryCopy out = new PgBinaryCopy(copy, FLUSH_BYTES);
                    while (rows.hasNext()) {
                        write(rows.next(), partition, out);
                    }
                    out.finish();
                    copy.endCopy();
                } finally {
                    if (copy.isActive()) {
                        copy.cancelCopy();
                    }
                }
                c.commit();
            }
        }
    }

    /** One row in {@link Predictions#COLUMNS} order plus the partition; nulls where the row has them. */
    static void write(Row r, int partition, PgBinaryCopy out) throws SQLException {
        out.row(FIELDS);
        out.text(r.isNullAt(0) ? null : r.getString(0));
        out.date(r.isNullAt(1) ? null : localDate(r.get(1)));
        out.text(r.isNullAt(2) ? null : r.getString(2));
        int8(r, 3, out);
        float8(r, 4, out);
        float8(r, 5, out);
        int8(r, 6, out);
        out.timestamptz(r.isNullAt(7) ? null : instant(r.get(7)));
        out.int4(partition);
    }

    private static void int8(Row r, int i, PgBinaryCopy out) {
        if (r.isNullAt(i)) {
            out.nullValue();
        } else {
            out.int8(r.getLong(i));
        }
    }

    private static void float8(Row r, int i, PgBinaryCopy out) {
        if (r.isNullAt(i)) {
            out.nullValue();
        } else {
            out.float8(r.getDouble(i));
        }
    }

    /** Spark hands dates as LocalDate with spark.sql.datetime.java8API.enabled (our sessions), else as java.sql.Date. */
    private static LocalDate localDate(Object v) {
        return v instanceof java.sql.Date d ? d.toLocalDate() : (LocalDate) v;
    }

    private static Instant instant(Object v) {
        return v instanceof java.sql.Timestamp t ? t.toInstant() : (Instant) v;
    }
}
