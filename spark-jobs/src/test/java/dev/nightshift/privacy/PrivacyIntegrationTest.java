package dev.nightshift.privacy;

import dev.nightshift.contract.Algorithm;
import dev.nightshift.contract.DataQualityPolicy;
import dev.nightshift.contract.FeatureType;
import dev.nightshift.contract.ForgetArgs;
import dev.nightshift.contract.GenerateDataArgs;
import dev.nightshift.contract.JobEnvironment;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.Pseudonyms;
import dev.nightshift.contract.ScoreArgs;
import dev.nightshift.contract.Task;
import dev.nightshift.contract.TrainArgs;
import dev.nightshift.contract.Warehouse;
import dev.nightshift.data.GenerateDataJob;
import dev.nightshift.registry.ModelRegistry;
import dev.nightshift.scoring.ScoreJob;
import dev.nightshift.spark.DbConfig;
import dev.nightshift.testing.DbRows;
import dev.nightshift.testing.PostgresTestSupport;
import dev.nightshift.testing.SparkTestBase;
import dev.nightshift.training.TrainJob;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Privacy end to end on real Spark and PostgreSQL: a pipeline with a PII column ({@code email}) and pseudonymized ids
 * scores two nights (one with quarantined rows) and a re-run; no output (every file under the Delta tables, decoded
 * and as bytes, every PostgreSQL table, the captured log) holds an email or a raw id, and the ids it holds are the
 * HMAC-SHA256 computed here independently. Then ForgetJob erases two entities and no file (current or one that time
 * travel would read) holds their pseudonyms any more. Without a key the night fails naming the variables.
 */
class PrivacyIntegrationTest extends SparkTestBase {

    private static final String PIPELINE = "churnprivate";
    private static final LocalDate D = LocalDate.of(2026, 10, 20);
    private static final LocalDate D1 = D.minusDays(1);
    private static final int CUSTOMERS = 300;
    private static final String KEY = "privacy-test-key-0123456789";

    private static DbConfig db;
    @RegisterExtension
    static final BeforeAllCallback DATABASE = context -> db = PostgresTestSupport.database(context);

    @TempDir
    static Path warehouseDir;
    private static String warehouse;

    private final StringWriter capturedLog = new StringWriter();
    private WriterAppender appender;
    private Level rootLevel;

    @BeforeAll
    static void generateData() {
        warehouse = warehouseDir.toUri().toString();
        GenerateDataJob.run(spark, new GenerateDataArgs("churn", warehouse, D.minusDays(12), D, CUSTOMERS, 7, null, 0, 0, 2, D));
    }

    @AfterEach
    void restore() {
        IdPseudonymization.useEnvironment(null);
        stopCapturingLogs();
    }

    private static PipelineSpec spec() {
        return new PipelineSpec(PIPELINE, Task.BINARY_CLASSIFICATION, null,
                new PipelineSpec.Input("parquet", "{warehouse}/input/churn", "event_date", "customer_id", null),
                new PipelineSpec.GroundTruth("parquet", "{warehouse}/labels/churn", "customer_id", "event_date", "churned", 2),
                List.of(numeric("tenure_months"), numeric("monthly_charges"), numeric("support_calls"), numeric("data_usage_gb"),
                        categorical("plan"), categorical("region"),
                        new PipelineSpec.Feature("email", FeatureType.STRING, null, null, true)),
                new PipelineSpec.ModelConfig(Algorithm.LOGISTIC_REGRESSION, Map.of("maxIter", 10), 12, 3, 42L, 0.5),
                new PipelineSpec.Monitoring(null, null, new DataQualityPolicy(0.05, null, null, null), null, null),
                null, new PipelineSpec.Privacy(true));
    }

    @Test
    void outputsHoldPseudonymsAndNoPiiAndForgetLeavesNoTraceOfTheEntities() throws Exception {
        // given a trained model, and the two nights' input: raw ids and emails
        DbRows.applySpec(db, spec());
        ModelRegistry.Registered model = TrainJob.run(spark, new TrainArgs(PIPELINE, 1, D1, warehouse, DbRows.insertRun(db, PIPELINE, D1)), db);
        Map<String, String> emailById = new TreeMap<>();
        for (Row r : spark.read().parquet(warehouseDir.resolve("input/churn").toString())
                .where(col("event_date").between(D1, D)).select("customer_id", "email").collectAsList()) {
            emailById.put(r.getString(0), r.getString(1));
        }
        assertThat(emailById).hasSizeGreaterThanOrEqualTo(CUSTOMERS).containsKeys("C0000003", "C0000010");
        Set<String> emails = new HashSet<>(emailById.values());
        Set<String> rawIds = emailById.keySet();

        // when a night is scored without a key
        long keyless = DbRows.insertRun(db, PIPELINE, D1);
        IdPseudonymization.useEnvironment(Map.of());
        assertThatThrownBy(() -> ScoreJob.run(spark, new ScoreArgs(PIPELINE, 1, D1, model.id(), warehouse, keyless), db))
                .isInstanceOf(Pseudonyms.MissingKeyException.class)
                .hasMessageContaining("pipeline '" + PIPELINE + "'").hasMessageContaining("privacy.pseudonymizeIds is true")
                .hasMessageContaining(JobEnvironment.PSEUDONYM_KEY).hasMessageContaining(JobEnvironment.PSEUDONYM_KEY_FILE);
        // then nothing was written
        assertThat(predictionRows()).isZero();
        assertThat(Files.exists(warehouseDir.resolve("quarantine").resolve(PIPELINE))).isFalse();

        // when both nights are scored with the key (the one with 6 bad rows too) and the first night is re-run
        IdPseudonymization.useEnvironment(Map.of(JobEnvironment.PSEUDONYM_KEY, KEY));
        startCapturingLogs();
        ScoreJob.run(spark, new ScoreArgs(PIPELINE, 1, D1, model.id(), warehouse, DbRows.insertRun(db, PIPELINE, D1)), db);
        assertThat(ScoreJob.run(spark, new ScoreArgs(PIPELINE, 1, D, model.id(), warehouse, DbRows.insertRun(db, PIPELINE, D)), db))
                .isEqualTo(CUSTOMERS - 5);
        ScoreJob.run(spark, new ScoreArgs(PIPELINE, 1, D1, model.id(), warehouse, DbRows.insertRun(db, PIPELINE, D1)), db);
        stopCapturingLogs();

        // then PostgreSQL holds exactly the HMAC-SHA256 of the scored ids, computed here independently
        Set<String> expected = new HashSet<>();
        rawIds.forEach(id -> expected.add(hmac(id)));
        List<String> pgIds = predictionIds();
        assertThat(pgIds).hasSize(CUSTOMERS + CUSTOMERS - 5).allMatch(expected::contains).contains(hmac("C0000010"), hmac("C0000003"));
        assertThat(predictionIdsOn(D)).doesNotContain(hmac("C0000003")); // quarantined that night

        // and no output holds an email or a raw id: files (bytes and decoded rows), PostgreSQL, the log
        List<Path> outputs = outputFiles();
        assertThat(outputs).anyMatch(p -> p.toString().contains("quarantine")).anyMatch(p -> p.toString().contains("_delta_log"));
        assertThat(filesContaining(outputs, emails)).isEmpty();
        assertThat(filesContaining(outputs, rawIds)).isEmpty();
        assertThat(filesContaining(modelFiles(), emails)).isEmpty();
        assertThat(tablesContaining(emails)).isEmpty();
        assertThat(pgIds).noneMatch(rawIds::contains);
        assertThat(capturedLog.toString()).contains("rows scored");
        assertThat(emails.stream().filter(capturedLog.toString()::contains)).isEmpty();
        assertThat(rawIds.stream().filter(capturedLog.toString()::contains)).isEmpty();
        // and the quarantine table keeps the bad rows, under their pseudonyms
        assertThat(spark.read().format("delta").load(Warehouse.quarantine(warehouse, PIPELINE)).where(col("customer_id").equalTo(hmac("C0000003"))).count())
                .isEqualTo(1);

        // given the two entities' pseudonyms are in the current and older (time-travel) files
        Set<String> victims = Set.of(hmac("C0000010"), hmac("C0000003"));
        assertThat(filesContaining(outputs, victims)).isNotEmpty();
        long erasure = (Long) DbRows.row(db, "INSERT INTO nightshift.erasures (pipeline, actor, entities, vacuum_retention_hours)"
                + " VALUES (?, 'test', 2, 0) RETURNING id", PIPELINE).get("id");

        // when they are forgotten (keys: raw ids and pseudonyms, as the orchestrator passes them), keeping no history
        Map<String, Long> deleted = ForgetJob.run(spark, new ForgetArgs(PIPELINE, warehouse, erasure, "customer_id", 0),
                List.of("C0000010", "C0000003", hmac("C0000010"), hmac("C0000003")), db);

        // then their rows are deleted: C0000010 on both nights, C0000003 predicted on D1 and quarantined on D
        assertThat(deleted).containsExactly(Map.entry("predictions", 3L), Map.entry("shadow", 0L), Map.entry("quarantine", 1L));
        assertThat(DbRows.row(db, "SELECT delta_rows::text AS d FROM nightshift.erasures WHERE id = ?", erasure))
                .containsEntry("d", "{\"shadow\": 0, \"quarantine\": 1, \"predictions\": 3}");
        // and no file under the tables holds them, neither a current one nor one an older version would read
        List<Path> after = outputFiles();
        assertThat(filesContaining(after, victims)).isEmpty();
        String predictions = Warehouse.predictions(warehouse, PIPELINE);
        long latest = spark.sql("DESCRIBE HISTORY delta.`" + predictions + "`").agg(org.apache.spark.sql.functions.max("version")).first().getLong(0);
        for (long v = 0; v <= latest; v++) {
            long version = v;
            try {
                long found = spark.read().format("delta").option("versionAsOf", version).load(predictions)
                        .where(col("entity_id").isin(victims.toArray())).count();
                assertThat(found).as("version %d", version).isZero();
            } catch (Exception gone) {
                // vacuumed: the version's files no longer exist, which is the point
                assertThat(gone.toString()).as("version %d", version).containsAnyOf("FileNotFound", "does not exist", "DELTA_FILE_NOT_FOUND",
                        "not found", "FILE_NOT_EXIST");
            }
        }
        // and every other entity is still there
        assertThat(spark.read().format("delta").load(predictions).count()).isEqualTo(CUSTOMERS - 2 + CUSTOMERS - 5 - 1);
    }

    private static String hmac(String id) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(id.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Every file of the pipeline's Delta tables, the _delta_log and files no longer referenced included. */
    private static List<Path> outputFiles() throws Exception {
        List<Path> files = new ArrayList<>();
        for (String table : List.of("predictions", "shadow", "quarantine")) {
            Path dir = warehouseDir.resolve(table).resolve(PIPELINE);
            if (Files.exists(dir)) {
                try (Stream<Path> s = Files.walk(dir)) {
                    s.filter(Files::isRegularFile).forEach(files::add);
                }
            }
        }
        return files;
    }

    private static List<Path> modelFiles() throws Exception {
        try (Stream<Path> s = Files.walk(warehouseDir.resolve("models").resolve(PIPELINE))) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    /** Files whose bytes, or (for Parquet) whose decoded rows, contain one of {@code needles}, with the first found. */
    private static Map<String, String> filesContaining(List<Path> files, Set<String> needles) throws Exception {
        Map<String, String> found = new TreeMap<>();
        for (Path f : files) {
            StringBuilder text = new StringBuilder(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            if (f.getFileName().toString().endsWith(".parquet")) {
                spark.read().parquet(f.toString()).toJSON().collectAsList().forEach(text::append);
            }
            String s = text.toString();
            needles.stream().filter(s::contains).findFirst().ifPresent(n -> found.put(f.toString(), n));
        }
        return found;
    }

    /** Tables of schema nightshift with a row whose text contains one of {@code needles}. */
    private static List<String> tablesContaining(Set<String> needles) throws Exception {
        List<String> hits = new ArrayList<>();
        try (Connection c = db.connect()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = c.createStatement().executeQuery("SELECT table_name FROM information_schema.tables"
                    + " WHERE table_schema = 'nightshift' AND table_type = 'BASE TABLE'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            assertThat(tables).contains("predictions", "data_quality", "runs", "model_versions", "feature_drift");
            String[] patterns = needles.stream().map(n -> "%" + n + "%").toArray(String[]::new);
            for (String t : tables) {
                try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM nightshift.\"" + t + "\" x WHERE x::text LIKE ANY (?)")) {
                    ps.setArray(1, c.createArrayOf("text", patterns));
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) > 0) {
                            hits.add(t);
                        }
                    }
                }
            }
        }
        return hits;
    }

    private static long predictionRows() throws Exception {
        return (Long) DbRows.row(db, "SELECT count(*) AS n FROM nightshift.predictions WHERE pipeline = ?", PIPELINE).get("n");
    }

    private static List<String> predictionIds() throws Exception {
        return ids("SELECT entity_id FROM nightshift.predictions WHERE pipeline = ?", PIPELINE);
    }

    private static List<String> predictionIdsOn(LocalDate date) throws Exception {
        return ids("SELECT entity_id FROM nightshift.predictions WHERE pipeline = ? AND business_date = ?", PIPELINE, date);
    }

    private static List<String> ids(String sql, Object... params) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** Every log event at INFO and above (Spark's and Nightshift's) goes to {@link #capturedLog} too. */
    private void startCapturingLogs() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration config = ctx.getConfiguration();
        appender = WriterAppender.createAppender(PatternLayout.newBuilder().withPattern("%p %c %m%n%ex").build(), null,
                capturedLog, "privacy-capture", false, true);
        appender.start();
        config.addAppender(appender);
        rootLevel = config.getRootLogger().getLevel();
        config.getRootLogger().addAppender(appender, Level.INFO, null);
        config.getRootLogger().setLevel(Level.INFO);
        ctx.updateLoggers();
    }

    private void stopCapturingLogs() {
        if (appender == null) {
            return;
        }
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration config = ctx.getConfiguration();
        config.getRootLogger().removeAppender(appender.getName());
        config.getRootLogger().setLevel(rootLevel);
        ctx.updateLoggers();
        appender.stop();
        appender = null;
    }

    private static PipelineSpec.Feature numeric(String name) {
        return new PipelineSpec.Feature(name, FeatureType.NUMERIC, 0.0, null, false);
    }

    private static PipelineSpec.Feature categorical(String name) {
        return new PipelineSpec.Feature(name, FeatureType.CATEGORICAL, null, null, null);
    }
}
