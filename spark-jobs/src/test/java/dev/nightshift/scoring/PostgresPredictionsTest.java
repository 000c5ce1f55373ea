package dev.nightshift.scoring;

import dev.nightshift.contract.Algorithm;
import dev.nightshift.contract.Columns;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.Task;
import dev.nightshift.spark.DbConfig;
import dev.nightshift.testing.DbRows;
import dev.nightshift.testing.PostgresTestSupport;
import dev.nightshift.testing.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PostgresPredictionsTest extends SparkTestBase {

    private static final String PIPELINE = "landing";
    private static final String OTHER = "landing-b";
    private static final LocalDate D = LocalDate.of(2026, 11, 3);
    private static DbConfig db;
    private static long model;
    @RegisterExtension
    static final BeforeAllCallback DATABASE = context -> db = PostgresTestSupport.database(context);

    @BeforeAll
    static void pipeline() throws Exception {
        DbRows.applySpec(db, new PipelineSpec(PIPELINE, Task.REGRESSION, null,
                new PipelineSpec.Input(null, "{warehouse}/x/date={date}", null, "id", null), null, List.of(),
                new PipelineSpec.ModelConfig(Algorithm.LINEAR_REGRESSION, null, null, null, null, null), null));
        DbRows.applySpec(db, new PipelineSpec(OTHER, Task.REGRESSION, null,
                new PipelineSpec.Input(null, "{warehouse}/y/date={date}", null, "id", null), null, List.of(),
                new PipelineSpec.ModelConfig(Algorithm.LINEAR_REGRESSION, null, null, null, null, null), null));
        model = DbRows.insertModelVersion(db, PIPELINE);
    }

    private static final StructType SCHEMA = new StructType()
                .add(Columns.PIPELINE, DataTypes.StringType).add(Columns.BUSINESS_DATE, DataTypes.DateType)
                .add(Columns.ENTITY_ID, DataTypes.StringType).add(Columns.MODEL_VERSION_ID, DataTypes.LongType)
                .add(Columns.SCORE, DataTypes.DoubleType).add(Columns.PREDICTION, DataTypes.DoubleType)
                .add(Columns.RUN_ID, DataTypes.LongType).add(Columns.SCORED_AT, DataTypes.TimestampType);

    private static Dataset<Row> predictions(long runId, String... ids) {
        return predictions(PIPELINE, runId, ids);
    }

    private static Dataset<Row> predictions(String pipeline, long runId, String... ids) {
        return spark.createDataFrame(java.util.Arrays.stream(ids)
                .map(id -> RowFactory.create(pipeline, D, id, model, null, 1.5, runId, AT)).toList(), SCHEMA).coalesce(1);
    }

    private static Map<String, Object> published() throws Exception {
        return published(PIPELINE);
    }

    private static Map<String, Object> published(String pipeline) throws Exception {
        return DbRows.row(db, "SELECT count(*) AS n, min(run_id) AS run FROM nightshift.predictions WHERE pipeline = ? AND business_date = ?",
                pipeline, D);
    }

    private static final Instant AT = Instant.parse("2026-11-04T02:00:00Z");

    private static Predictions.Stamp stamp(String pipeline, long run) {
        return new Predictions.Stamp(pipeline, D, model, run, AT);
    }

    private static long land(Dataset<Row> rows, String pipeline, long run) throws Exception {
        PostgresPredictions.stage(rows, db, stamp(pipeline, run));
        return PostgresPredictions.publish(db, pipeline, D, model, run, rows.count());
    }

    @Test
    void aRetriedTaskReplacesItsOwnRowsAndAMiscountPublishesNothing() throws Exception {
        // given a night already published by run 1
        long run1 = DbRows.insertRun(db, PIPELINE, D);
        land(predictions(run1, "a", "b"), PIPELINE, run1);
        assertThat(published()).isEqualTo(Map.of("n", 2L, "run", run1));

        // when run 2 stages its rows and partition 0 is copied a second time, as a retried task would
        long run2 = DbRows.insertRun(db, PIPELINE, D);
        Dataset<Row> rows = predictions(run2, "a", "b", "c");
        PostgresPredictions.stage(rows, db, stamp(PIPELINE, run2));
        new PostgresPredictions.CopyPartition(db, PostgresPredictions.stagingTable(run2), stamp(PIPELINE, run2))
                .call(PostgresPredictions.wire(rows, stamp(PIPELINE, run2)).queryExecution().toRdd().toJavaRDD()
                        .map(org.apache.spark.sql.catalyst.InternalRow::copy).collect().iterator());

        // then the staging table holds each row once, and one record of the partition's COPY says so
        assertThat(DbRows.row(db, "SELECT count(*) AS n FROM " + PostgresPredictions.stagingTable(run2)).get("n")).isEqualTo(3L);
        assertThat(DbRows.row(db, "SELECT count(*) AS records, sum(rows)::bigint AS rows FROM "
                + PostgresPredictions.stagingTable(run2) + "_copied")).isEqualTo(Map.of("records", 1L, "rows", 3L));

        // when publishing with a wrong expected count, then nothing changes and the staging table is gone
        assertThatThrownBy(() -> PostgresPredictions.publish(db, PIPELINE, D, model, run2, 4))
                .hasMessageContaining("holds 3 rows, expected 4");
        assertThat(published()).isEqualTo(Map.of("n", 2L, "run", run1));
        assertThat(DbRows.row(db, "SELECT to_regclass(?) IS NULL AS gone", PostgresPredictions.stagingTable(run2)).get("gone"))
                .isEqualTo(true);

        // when a zombie attempt of partition 0 commits its copy too (its DELETE ran before the other attempt committed)
        long run3 = DbRows.insertRun(db, PIPELINE, D);
        Dataset<Row> three = predictions(run3, "a", "b", "c");
        PostgresPredictions.stage(three, db, stamp(PIPELINE, run3));
        String stage = PostgresPredictions.stagingTable(run3);
        try (java.sql.Connection c = db.connect(); java.sql.Statement s = c.createStatement()) { // as the application
            s.execute("INSERT INTO " + stage + " (entity_id, prediction, spark_partition) VALUES ('a', 1, 0), ('b', 1, 0), ('c', 1, 0)");
            s.execute("INSERT INTO " + stage + "_copied (spark_partition, rows) VALUES (0, 3)");
        }

        // then publishing refuses the doubled rows and changes nothing
        assertThatThrownBy(() -> PostgresPredictions.publish(db, PIPELINE, D, model, run3, 3))
                .hasMessageContaining("holds 6 rows, expected 3");
        assertThat(published()).isEqualTo(Map.of("n", 2L, "run", run1));
        assertThat(DbRows.row(db, "SELECT to_regclass(?) IS NULL AND to_regclass(? || '_copied') IS NULL AS gone", stage, stage)
                .get("gone")).isEqualTo(true);
    }

    @Test
    void binaryCopyRoundTripsEveryTypeAsPostgresItselfEncodesIt() throws Exception {
        // given values at the edges of every type the landing writes: nulls, NaN and infinities, non-ASCII text, dates
        // and instants before and after PostgreSQL's 2000-01-01 epoch, microsecond precision
        Object[][] rows = {
                {"p", LocalDate.of(2000, 1, 1), "ascii", 0L, 0.0, -0.0, 0L, Instant.parse("2000-01-01T00:00:00Z"), 0},
                {"pipeline-ü", LocalDate.of(1999, 12, 31), "Zoë 東京 🚀 \"q\",\\", Long.MAX_VALUE, Double.NaN,
                        Double.POSITIVE_INFINITY, Long.MIN_VALUE, Instant.parse("1999-12-31T23:59:59.999999Z"), Integer.MAX_VALUE},
                {"", LocalDate.of(2026, 11, 3), "x", -1L, null, Double.NEGATIVE_INFINITY, 42L,
                        Instant.parse("2026-11-04T02:00:00.123456Z"), Integer.MIN_VALUE},
                {null, null, null, null, Double.MIN_VALUE, Double.MAX_VALUE, null, null, -7},
        };
        byte[] ours;
        try (java.sql.Connection c = db.connect(); java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE enc (a text, b date, c text, d bigint, e double precision, f double precision,"
                    + " g bigint, h timestamptz, i integer)");
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            org.postgresql.copy.CopyIn copy = c.unwrap(org.postgresql.PGConnection.class).getCopyAPI()
                    .copyIn("COPY enc FROM STDIN WITH (FORMAT binary)");
            // a tiny flush threshold so that rows cross chunk boundaries
            dev.nightshift.spark.PgBinaryCopy out = new dev.nightshift.spark.PgBinaryCopy(new Tee(copy, bytes), 16);
            for (Object[] r : rows) {
                // the third column as the landing sends its ids: from Spark's UTF-8 strings, bytes as they are
                out.row(9).text((String) r[0]).date((LocalDate) r[1]).text(org.apache.spark.unsafe.types.UTF8String.fromString((String) r[2]));
                int8(out, (Long) r[3]);
                float8(out, (Double) r[4]);
                float8(out, (Double) r[5]);
                int8(out, (Long) r[6]);
                out.timestamptz((Instant) r[7]).int4((Integer) r[8]);
            }
            out.finish();
            assertThat(copy.endCopy()).isEqualTo(rows.length);
            ours = bytes.toByteArray();

            // then PostgreSQL reads back every value as written
            try (java.sql.ResultSet rs = s.executeQuery("SELECT a, b, c, d, e, f, g, h, i FROM enc ORDER BY i DESC")) {
                // by i descending: MAX_VALUE, 0, -7, MIN_VALUE
                for (int k : new int[] {1, 0, 3, 2}) {
                    assertThat(rs.next()).isTrue();
                    Object[] r = rows[k];
                    assertThat(rs.getString("a")).as("text of row %d", k).isEqualTo(r[0]);
                    assertThat(rs.getObject("b", LocalDate.class)).as("date of row %d", k).isEqualTo(r[1]);
                    assertThat(rs.getString("c")).as("non-ASCII text of row %d", k).isEqualTo(r[2]);
                    assertThat(rs.getObject("d")).as("int8 of row %d", k).isEqualTo(r[3]);
                    assertThat(rs.getObject("e")).as("float8 of row %d", k).isEqualTo(r[4]);
                    assertThat(rs.getObject("f")).as("float8 of row %d", k).isEqualTo(r[5]);
                    assertThat(rs.getObject("g")).as("int8 of row %d", k).isEqualTo(r[6]);
                    java.time.OffsetDateTime h = rs.getObject("h", java.time.OffsetDateTime.class);
                    assertThat(h == null ? null : h.toInstant()).as("timestamptz of row %d", k).isEqualTo(r[7]);
                    assertThat(rs.getInt("i")).as("int4 of row %d", k).isEqualTo(r[8]);
                }
            }

            // and PostgreSQL's own binary COPY of the same rows, in the same order, is byte for byte what we sent
            java.io.ByteArrayOutputStream theirs = new java.io.ByteArrayOutputStream();
            c.unwrap(org.postgresql.PGConnection.class).getCopyAPI().copyOut("COPY enc TO STDOUT WITH (FORMAT binary)", theirs);
            assertThat(theirs.toByteArray()).isEqualTo(ours);
        }
    }

    @Test
    void aReRunReplacesTheNightAndLeavesOtherPipelinesAndNightsAlone() throws Exception {
        // given nights of two pipelines on the same date, and one of the first pipeline on the next day
        LocalDate next = D.plusDays(1);
        long a1 = DbRows.insertRun(db, PIPELINE, D);
        land(predictions(a1, "r1", "r2", "r3"), PIPELINE, a1);
        long b1 = DbRows.insertRun(db, OTHER, D);
        land(predictions(OTHER, b1, "r1", "r2"), OTHER, b1);
        long n1 = DbRows.insertRun(db, PIPELINE, next);
        Dataset<Row> nextNight = predictions(n1, "n1").withColumn(Columns.BUSINESS_DATE, org.apache.spark.sql.functions.lit(next));
        PostgresPredictions.stage(nextNight, db, new Predictions.Stamp(PIPELINE, next, model, n1, AT));
        PostgresPredictions.publish(db, PIPELINE, next, model, n1, 1);

        // when the first pipeline's night is run again with other rows
        long a2 = DbRows.insertRun(db, PIPELINE, D);
        assertThat(land(predictions(a2, "r9"), PIPELINE, a2)).isEqualTo(1);

        // then that night holds exactly the new rows, the run row says so, and the neighbours are untouched
        assertThat(published()).isEqualTo(Map.of("n", 1L, "run", a2));
        assertThat(DbRows.row(db, "SELECT rows_scored, model_version_id FROM nightshift.runs WHERE id = ?", a2))
                .isEqualTo(Map.of("rows_scored", 1L, "model_version_id", model));
        assertThat(published(OTHER)).isEqualTo(Map.of("n", 2L, "run", b1));
        assertThat(DbRows.row(db, "SELECT count(*) AS n, min(run_id) AS run FROM nightshift.predictions WHERE pipeline = ?"
                + " AND business_date = ?", PIPELINE, next)).isEqualTo(Map.of("n", 1L, "run", n1));

        // and each night is its own logged leaf partition with its unique entity_id index (built after the swap, V20),
        // bounded to exactly that night
        for (String pipeline : List.of(PIPELINE, OTHER)) {
            Map<String, Object> leaf = DbRows.row(db, "SELECT c.relname AS leaf, c.relpersistence::text AS persistence,"
                    + " pg_get_expr(c.relpartbound, c.oid) AS bound, n.nspname AS schema,"
                    + " (SELECT count(*) FROM pg_index i WHERE i.indrelid = c.oid AND i.indisunique AND i.indisvalid"
                    + " AND pg_get_indexdef(i.indexrelid) LIKE '%(entity_id)') AS unique_ids,"
                    + " (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns"
                    + " FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE h.inhparent = 'nightshift.predictions'::regclass AND c.relname = nightshift.predictions_leaf_name(?, ?)",
                    pipeline, D);
            assertThat(leaf).as("leaf of %s %s", pipeline, D)
                    .containsEntry("schema", "nightshift").containsEntry("persistence", "p").containsEntry("unique_ids", 1L)
                    .containsEntry("columns", 8L)
                    .containsEntry("bound", "FOR VALUES FROM ('" + pipeline + "', '" + D + "') TO ('" + pipeline + "', '" + next + "')");
        }
        assertThat(DbRows.row(db, "SELECT count(*) AS n FROM pg_class WHERE relname LIKE 'predictions_stage_%'").get("n")).isEqualTo(0L);
        // the analysts' view reads the new leaf
        assertThat(DbRows.rowAsAnalyst(db, "SELECT count(*) AS n FROM analytics.predictions WHERE pipeline = ? AND business_date = ?",
                PIPELINE, D).get("n")).isEqualTo(1L);
    }

    @Test
    void twoPublishersOfOneNightTakeTurnsUnderTheNightsAdvisoryLockAndOtherNightsDoNotWait() throws Exception {
        // given a published night, and a second run of it with its rows staged
        long run1 = DbRows.insertRun(db, PIPELINE, D);
        land(predictions(run1, "t1", "t2"), PIPELINE, run1);
        long run2 = DbRows.insertRun(db, PIPELINE, D);
        Dataset<Row> rows = predictions(run2, "t1", "t2", "t3");
        PostgresPredictions.stage(rows, db, stamp(PIPELINE, run2));
        long other = DbRows.insertRun(db, OTHER, D);
        Dataset<Row> otherRows = predictions(OTHER, other, "o1");
        PostgresPredictions.stage(otherRows, db, stamp(OTHER, other));

        java.util.concurrent.ExecutorService publisher = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (java.sql.Connection holder = db.connect()) {
            // when another publisher of the same night is inside its swap: it holds the night's advisory lock
            holder.setAutoCommit(false);
            long holderPid;
            try (java.sql.Statement st = holder.createStatement();
                 java.sql.ResultSet r = st.executeQuery("SELECT pg_backend_pid(), pg_advisory_xact_lock(hashtext('predictions:"
                         + PIPELINE + "'), " + D.toEpochDay() + ")")) {
                r.next();
                holderPid = r.getLong(1);
            }
            // (its connections named as a job's are, which pg_stat_activity shows)
            String name = "nightshift run " + run2 + " night-" + PIPELINE + "-" + D;
            java.util.concurrent.Future<Long> second = publisher.submit(() ->
                    PostgresPredictions.publish(new DbConfig(db.url(), db.user(), db.password(), name), PIPELINE, D, model, run2, 3));

            // then the second waits for that lock, and the night stays as the first left it
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
            String waiting;
            while ((waiting = waitingForAnAdvisoryLock(holderPid)) == null) {
                assertThat(second.isDone()).as("the second publisher finished without waiting for the night's lock").isFalse();
                assertThat(System.nanoTime()).as("no publisher waited for the night's lock within 60 s").isLessThan(deadline);
                Thread.sleep(50);
            }
            assertThat(waiting).isEqualTo(name);
            assertThat(published()).isEqualTo(Map.of("n", 2L, "run", run1));
            // and another pipeline's night of the same date does not wait for it
            assertThat(PostgresPredictions.publish(db, OTHER, D, model, other, 1)).isEqualTo(1);
            assertThat(published(OTHER)).isEqualTo(Map.of("n", 1L, "run", other));
            assertThat(second.isDone()).isFalse();

            // when the first publisher commits, the second replaces the night whole
            holder.commit();
            assertThat(second.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(3L);
        } finally {
            publisher.shutdownNow();
        }
        assertThat(published()).isEqualTo(Map.of("n", 3L, "run", run2));
    }

    /** The application_name of a session other than {@code holderPid} waiting for an advisory lock; null if none waits. */
    private static String waitingForAnAdvisoryLock(long holderPid) throws Exception {
        return (String) DbRows.row(db, "SELECT (SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                + " WHERE l.locktype = 'advisory' AND NOT l.granted AND l.pid <> ? LIMIT 1) AS waiting", holderPid).get("waiting");
    }

    @Test
    void aFailureBeforePublishLeavesTheOldNightAndNoStagingTable() throws Exception {
        // given a published night
        long run1 = DbRows.insertRun(db, PIPELINE, D);
        land(predictions(run1, "k1", "k2"), PIPELINE, run1);

        // when the next run's COPY fails half-way (a row the table refuses: a null prediction)
        long run2 = DbRows.insertRun(db, PIPELINE, D);
        Dataset<Row> bad = predictions(run2, "k1").union(spark.createDataFrame(List.of(RowFactory.create(PIPELINE, D, "k3",
                model, null, null, run2, Instant.parse("2026-11-04T02:00:00Z"))), SCHEMA)).coalesce(1);
        assertThatThrownBy(() -> PostgresPredictions.stage(bad, db, stamp(PIPELINE, run2)))
                .hasStackTraceContaining("prediction");

        // then the old rows stay, the staging table is gone, and publishing it now fails without touching the night
        assertThat(published()).isEqualTo(Map.of("n", 2L, "run", run1));
        assertThat(DbRows.row(db, "SELECT to_regclass(?) IS NULL AS gone", PostgresPredictions.stagingTable(run2)).get("gone"))
                .isEqualTo(true);
        assertThatThrownBy(() -> PostgresPredictions.publish(db, PIPELINE, D, model, run2, 1))
                .hasMessageContaining("does not exist");
        assertThat(published()).isEqualTo(Map.of("n", 2L, "run", run1));

        // and a night holding an id twice (validation quarantines such rows before scoring, so only a bug gets here)
        // fails when its unique index is built after the swap (V20): the step fails, naming the id; the night was
        // already replaced, and stays without its index until it is landed again
        long run3 = DbRows.insertRun(db, PIPELINE, D);
        assertThatThrownBy(() -> land(predictions(run3, "k1", "k1"), PIPELINE, run3)).hasMessageContaining("could not create unique index")
                .hasMessageContaining("(entity_id)=(k1)");
        assertThat(published()).isEqualTo(Map.of("n", 2L, "run", run3));
        long run4 = DbRows.insertRun(db, PIPELINE, D);
        land(predictions(run4, "k1", "k2"), PIPELINE, run4);
        assertThat(published()).isEqualTo(Map.of("n", 2L, "run", run4));
    }

    @Test
    void theSwapAttachesWithoutAValidationScanAndPipelineNamesCannotInjectSql() throws Exception {
        // given a staged night
        long run = DbRows.insertRun(db, OTHER, D);
        PostgresPredictions.stage(predictions(OTHER, run, "s1", "s2"), db, stamp(OTHER, run));

        // when it is published with PostgreSQL's debug messages on
        java.util.List<String> messages = new java.util.ArrayList<>();
        try (java.sql.Connection c = db.connect(); java.sql.Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("SET LOCAL client_min_messages = debug1");
            try (java.sql.ResultSet r = s.executeQuery("SELECT nightshift.publish_predictions_stage(" + run + ", '" + OTHER
                    + "', DATE '" + D + "', 2)")) {
                r.next();
                assertThat(r.getLong(1)).isEqualTo(2L);
            }
            for (java.sql.SQLWarning w = s.getWarnings(); w != null; w = w.getNextWarning()) {
                messages.add(w.getMessage());
            }
            c.commit();
        }
        // then ATTACH proved the bound from the staging table's CHECK constraint instead of reading the rows
        assertThat(messages).anyMatch(m -> m.contains("is implied by existing constraints"));

        // and a hostile pipeline name is only ever a literal: its leaf name is sanitized and hashed, nothing else happens
        String hostile = "x'); DROP TABLE nightshift.runs; -- Ö";
        Map<String, Object> made = DbRows.row(db, "SELECT nightshift.ensure_predictions_partition(?, ?) AS leaf", hostile, D);
        assertThat((String) made.get("leaf")).matches("predictions_x_drop_table_nightshift_[0-9a-f]{12}_20261103");
        assertThat(DbRows.row(db, "SELECT to_regclass('nightshift.runs') IS NOT NULL AS kept").get("kept")).isEqualTo(true);
        assertThatThrownBy(() -> DbRows.row(db, "SELECT nightshift.ensure_predictions_partition('', ?)", D))
                .hasMessageContaining("invalid predictions night");
        // the application cannot do partition DDL itself
        try (java.sql.Connection c = db.connect(); java.sql.Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("ALTER TABLE nightshift.predictions DETACH PARTITION nightshift." + made.get("leaf")))
                    .hasMessageContaining("must be owner");
        }
    }

    @Test
    void theNightsStampLandsFromTheStagingTablesDefaultsAndARowOfAnotherRunFailsItsTask() throws Exception {
        // given a published night
        long run1 = DbRows.insertRun(db, PIPELINE, D);
        land(predictions(run1, "t1"), PIPELINE, run1);

        // when a run stamped at a sub-microsecond instant lands a score, a null score and a non-ASCII id (V21: the COPY
        // carries entity_id, score and prediction; the stamp's columns come from the staging table's defaults)
        long run2 = DbRows.insertRun(db, PIPELINE, D);
        Instant at = Instant.parse("2026-11-04T02:00:00.123456789Z");
        Dataset<Row> rows = spark.createDataFrame(List.of(
                RowFactory.create(PIPELINE, D, "Zoë 東京", model, 0.25, 0.0, run2, at),
                RowFactory.create(PIPELINE, D, "n", model, null, 1.0, run2, at)), SCHEMA).coalesce(1);
        PostgresPredictions.stage(rows, db, new Predictions.Stamp(PIPELINE, D, model, run2, at));
        assertThat(PostgresPredictions.publish(db, PIPELINE, D, model, run2, 2)).isEqualTo(2L);

        // then every column of every row is what the rows held (the instant to the microsecond, as Spark holds it)
        String landed = "SELECT string_agg(concat_ws('|', pipeline, business_date, entity_id, model_version_id,"
                + " coalesce(score::text, 'null'), prediction, run_id, to_char(scored_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')),"
                + " ';' ORDER BY score NULLS FIRST) AS rows FROM nightshift.predictions WHERE pipeline = ? AND business_date = ?";
        assertThat(DbRows.row(db, landed, PIPELINE, D).get("rows")).isEqualTo(
                PIPELINE + "|" + D + "|n|" + model + "|null|1|" + run2 + "|2026-11-04 02:00:00.123456;"
                        + PIPELINE + "|" + D + "|Zoë 東京|" + model + "|0.25|0|" + run2 + "|2026-11-04 02:00:00.123456");
        // and the leaf keeps none of the staging table's defaults
        assertThat(DbRows.row(db, "SELECT count(*) AS n FROM pg_attrdef WHERE adrelid = format('nightshift.%I',"
                + " nightshift.predictions_leaf_name(?, ?))::regclass", PIPELINE, D).get("n")).isEqualTo(0L);

        // when a later run's rows include one of another run, or one without scored_at (a bug upstream of landing)
        long run3 = DbRows.insertRun(db, PIPELINE, D);
        Dataset<Row> otherRun = spark.createDataFrame(List.of(RowFactory.create(PIPELINE, D, "m1", model, 0.5, 1.0, run3, AT),
                RowFactory.create(PIPELINE, D, "m2", model, 0.5, 1.0, run2, AT)), SCHEMA).coalesce(1);
        Dataset<Row> noTime = spark.createDataFrame(List.of(RowFactory.create(PIPELINE, D, "m3", model, 0.5, 1.0, run3, null)),
                SCHEMA).coalesce(1);

        // then the task fails naming the row and the column, and nothing is published or left staged
        assertThatThrownBy(() -> PostgresPredictions.stage(otherRun, db, stamp(PIPELINE, run3)))
                .hasStackTraceContaining("entity_id m2 is not of the night being landed: its run_id " + run2 + ",");
        assertThatThrownBy(() -> PostgresPredictions.stage(noTime, db, stamp(PIPELINE, run3)))
                .hasStackTraceContaining("entity_id m3 is not of the night being landed: its scored_at null,");
        assertThat(published()).isEqualTo(Map.of("n", 2L, "run", run2));
        assertThat(DbRows.row(db, "SELECT to_regclass(?) IS NULL AS gone", PostgresPredictions.stagingTable(run3)).get("gone"))
                .isEqualTo(true);
    }

    private static void int8(dev.nightshift.spark.PgBinaryCopy out, Long v) {
        if (v == null) {
            out.nullValue();
        } else {
            out.int8(v);
        }
    }

    private static void float8(dev.nightshift.spark.PgBinaryCopy out, Double v) {
        if (v == null) {
            out.nullValue();
        } else {
            out.float8(v);
        }
    }

    /** Sends COPY data on and keeps a copy of it. */
    private record Tee(org.postgresql.copy.CopyIn copy, java.io.ByteArrayOutputStream bytes) implements org.postgresql.copy.CopyIn {
        @Override
        public void writeToCopy(byte[] buf, int off, int siz) throws java.sql.SQLException {
            bytes.write(buf, off, siz);
            copy.writeToCopy(buf, off, siz);
        }

        @Override
        public void writeToCopy(org.postgresql.util.ByteStreamWriter from) throws java.sql.SQLException {
            throw new UnsupportedOperationException();
        }

        @Override
        public void flushCopy() throws java.sql.SQLException {
            copy.flushCopy();
        }

        @Override
        public long endCopy() throws java.sql.SQLException {
            return copy.endCopy();
        }

        @Override
        public int getFieldCount() {
            return copy.getFieldCount();
        }

        @Override
        public int getFormat() {
            return copy.getFormat();
        }

        @Override
        public int getFieldFormat(int field) {
            return copy.getFieldFormat(field);
        }

        @Override
        public boolean isActive() {
            return copy.isActive();
        }

        @Override
        public void cancelCopy() throws java.sql.SQLException {
            copy.cancelCopy();
        }

        @Override
        public long getHandledRowCount() {
            return copy.getHandledRowCount();
        }
    }
}
