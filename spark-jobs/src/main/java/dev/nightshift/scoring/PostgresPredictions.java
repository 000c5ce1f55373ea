package dev.nightshift.scoring;

import dev.nightshift.contract.Columns;
import dev.nightshift.contract.Tables;
import dev.nightshift.spark.DbConfig;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.Iterator;

/**
 * Lands one night's predictions in {@code nightshift.predictions}. Executors COPY their partitions into an
 * UNLOGGED staging table of the run (each task first deletes its own partition's rows in the same transaction,
 * so a retried task does not duplicate); then the driver swaps the night in one transaction. Until that commit,
 * readers and any failure see the previous rows of the night.
 */
public final class PostgresPredictions {

    private static final String COLUMN_LIST = String.join(", ", Predictions.COLUMNS);
    private static final int FLUSH_BYTES = 1 << 20;

    private PostgresPredictions() {
    }

    public static String stagingTable(long runId) {
        return Tables.WORK_SCHEMA + ".predictions_stage_" + runId;
    }

    /**
     * Creates the run's staging table and COPYs {@code rows} (contract columns) into it, one transaction per Spark
     * partition. Nothing readers see changes; on failure the staging table is dropped.
     */
    public static void stage(Dataset<Row> rows, DbConfig db, long runId) throws SQLException {
        String stage = stagingTable(runId);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + stage);
            s.execute("CREATE UNLOGGED TABLE " + stage + " (pipeline text, business_date date, entity_id text,"
                    + " model_version_id bigint, score double precision, prediction double precision, run_id bigint,"
                    + " scored_at timestamptz, spark_partition integer)");
        }
        try {
            rows.selectExpr(Predictions.COLUMNS).foreachPartition(new CopyPartition(db, stage));
        } catch (RuntimeException e) {
            dropQuietly(db, stage, e);
            throw e;
        }
    }

    /**
     * In one transaction: replaces the rows of (pipeline, date) with the staged rows, records the count and model
     * on the run row and drops the staging table. Fails (changing nothing) unless exactly {@code expectedRows}
     * were staged. Returns the number of rows published.
     */
    public static long publish(DbConfig db, String pipeline, LocalDate date, long modelVersionId, long runId, long expectedRows)
            throws SQLException {
        String stage = stagingTable(runId);
        try {
            return publish(db, stage, pipeline, date, modelVersionId, runId, expectedRows);
        } catch (RuntimeException | SQLException e) {
            dropQuietly(db, stage, e);
            throw e;
        }
    }

    private static long publish(DbConfig db, String stage, String pipeline, LocalDate date, long modelVersionId, long runId,
                                long expectedRows) throws SQLException {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try {
                // Two publishers of the same night (e.g. a restarted run and a late one) take turns: the second
                // one's DELETE then sees, and replaces, the first one's committed rows instead of colliding with them.
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?), ?)")) {
                    ps.setString(1, "predictions:" + pipeline);
                    ps.setInt(2, (int) date.toEpochDay());
                    ps.executeQuery().close();
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT " + Tables.ENSURE_PREDICTIONS_PARTITION + "(?)")) {
                    ps.setObject(1, date);
                    ps.executeQuery().close();
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + Tables.PREDICTIONS
                        + " WHERE " + Columns.PIPELINE + " = ? AND " + Columns.BUSINESS_DATE + " = ?")) {
                    ps.setString(1, pipeline);
                    ps.setObject(2, date);
                    ps.executeUpdate();
                }
                long landed;
                try (Statement s = c.createStatement()) {
                    landed = s.executeLargeUpdate("INSERT INTO " + Tables.PREDICTIONS + " (" + COLUMN_LIST + ") SELECT "
                            + COLUMN_LIST + " FROM " + stage);
                }
                if (landed != expectedRows) {
                    // e.g. two concurrent attempts of one task (speculative execution) both committed their COPY.
                    throw new IllegalStateException("staging table " + stage + " holds " + landed + " rows, expected "
                            + expectedRows + "; not publishing " + pipeline + " " + date);
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
                try (Statement s = c.createStatement()) {
                    s.execute("DROP TABLE " + stage);
                }
                c.commit();
                return landed;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static void dropQuietly(DbConfig db, String stage, Exception failure) {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + stage);
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    /** COPYs one Spark partition into the staging table, replacing whatever an earlier attempt of it left. */
    static final class CopyPartition implements ForeachPartitionFunction<Row> {
        private final DbConfig db;
        private final String stage;

        CopyPartition(DbConfig db, String stage) {
            this.db = db;
            this.stage = stage;
        }

        @Override
        public void call(Iterator<Row> rows) throws Exception {
            int partition = TaskContext.getPartitionId();
            try (Connection c = db.connect()) {
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + stage + " WHERE spark_partition = ?")) {
                    ps.setInt(1, partition);
                    ps.executeUpdate();
                }
                CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI()
                        .copyIn("COPY " + stage + " (" + COLUMN_LIST + ", spark_partition) FROM STDIN WITH (FORMAT csv)");
                try {
                    ByteArrayOutputStream buffer = new ByteArrayOutputStream(FLUSH_BYTES + 4096);
                    StringBuilder line = new StringBuilder(256);
                    while (rows.hasNext()) {
                        line.setLength(0);
                        csvLine(rows.next(), partition, line);
                        buffer.writeBytes(line.toString().getBytes(StandardCharsets.UTF_8));
                        if (buffer.size() >= FLUSH_BYTES) {
                            copy.writeToCopy(buffer.toByteArray(), 0, buffer.size());
                            buffer.reset();
                        }
                    }
                    if (buffer.size() > 0) {
                        copy.writeToCopy(buffer.toByteArray(), 0, buffer.size());
                    }
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

    /** One CSV line in {@link Predictions#COLUMNS} order plus the partition; text quoted, null as an empty field. */
    static void csvLine(Row r, int partition, StringBuilder out) {
        quoted(r.getString(0), out).append(',');
        out.append(r.<LocalDate>getAs(1)).append(',');
        quoted(r.getString(2), out).append(',');
        out.append(r.getLong(3)).append(',');
        if (!r.isNullAt(4)) {
            out.append(r.getDouble(4));
        }
        out.append(',');
        out.append(r.getDouble(5)).append(',');
        out.append(r.getLong(6)).append(',');
        out.append(r.<java.time.Instant>getAs(7)).append(',');
        out.append(partition).append('\n');
    }

    private static StringBuilder quoted(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '"') {
                out.append('"');
            }
            out.append(ch);
        }
        return out.append('"');
    }
}
