package dev.nightshift.demo;

import dev.nightshift.config.NightshiftHome;
import dev.nightshift.config.NightshiftProperties;
import dev.nightshift.contract.GenerateDataArgs;
import dev.nightshift.pipelines.AppliedSpec;
import dev.nightshift.pipelines.PipelineService;
import dev.nightshift.runs.RunRecord;
import dev.nightshift.runs.RunRequest;
import dev.nightshift.runs.RunService;
import dev.nightshift.runs.RunTrigger;
import dev.nightshift.spark.SparkApplication;
import dev.nightshift.spark.SparkSubmitter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.springframework.stereotype.Service;

/**
 * The demo: synthetic data with a drift in its second half, the example pipelines applied, and consecutive nightly
 * runs of {@code churn}. Re-running it re-runs the same nights explicitly, replacing their outputs.
 */
@Service
public class DemoService {
    /** History generated before the first night: the longest example training window plus its label lag. */
    static final int HISTORY_DAYS = 42;

    private final SparkSubmitter submitter;
    private final PipelineService pipelines;
    private final RunService runs;
    private final NightshiftProperties props;

    private final org.springframework.jdbc.core.simple.JdbcClient jdbc;

    public DemoService(SparkSubmitter submitter, PipelineService pipelines, RunService runs, NightshiftProperties props,
                       org.springframework.jdbc.core.simple.JdbcClient jdbc) {
        this.jdbc = jdbc;
        this.submitter = submitter;
        this.pipelines = pipelines;
        this.runs = runs;
        this.props = props;
    }

    /** {@code badRowsOn} (nullable): a date whose input gets rows validation quarantines. */
    public record Options(LocalDate start, int nights, long entities, Path specDir, LocalDate badRowsOn) {
        public Options(LocalDate start, int nights, long entities, Path specDir) {
            this(start, nights, entities, specDir, null);
        }
    }

    public List<RunRecord> run(Options o, Consumer<String> progress) {
        String warehouse = NightshiftHome.warehouseUri(props);
        LocalDate from = o.start().minusDays(HISTORY_DAYS);
        LocalDate to = o.start().plusDays(o.nights() - 1L);
        // Three healthy nights, then the world changes: numeric features shift by 0.6 standard deviations (covariate
        // drift) and the main effects reverse (concept drift: churn's tenure effect, demand's promotion effect).
        LocalDate driftFrom = o.start().plusDays(Math.min(3, Math.max(0, o.nights() - 1)));
        for (String dataset : List.of("churn", "demand")) {
            progress.accept("generating " + dataset + " data " + from + " .. " + to + " (" + o.entities()
                    + " entities a day, drift from " + driftFrom + ")");
            GenerateDataArgs args = new GenerateDataArgs(dataset, warehouse, from, to, o.entities(), 7L, driftFrom, 0.6, 1.0,
                    "churn".equals(dataset) ? 2 : 1, o.badRowsOn());
            submitter.submit(new SparkApplication("generate-" + dataset, GenerateDataArgs.JOB_CLASS, args.toArgs(),
                    props.spark().timeout()));
        }
        for (Path spec : specFiles(o.specDir())) {
            AppliedSpec applied = pipelines.apply(spec, "demo");
            progress.accept("pipeline " + applied.pipeline() + ": " + (applied.changed() ? "applied as spec version " : "unchanged, spec version ")
                    + applied.version());
        }
        List<RunRecord> results = new ArrayList<>();
        for (int i = 0; i < o.nights(); i++) {
            LocalDate date = o.start().plusDays(i);
            progress.accept(String.format("night %d/%d: churn %s ...", i + 1, o.nights(), date));
            RunRecord r = runs.run(new RunRequest("churn", date, RunTrigger.DEMO, true, "demo"));
            results.add(r);
            progress.accept(String.format("night %d/%d: churn %s %s%s", i + 1, o.nights(), date, r.status(),
                    r.completed() ? " — " + r.rowsScored() + " rows, model v" + r.modelVersion() : ": " + r.error()));
            if (!r.completed()) {
                break;
            }
        }
        return results;
    }

    /** One night of the demo's story: who scored it, how good that turned out to be, and what the night decided. */
    public record StoryRow(LocalDate date, Integer model, Long rows, Long quarantined, String driftedFeatures, Double auc, Double aucLow, Double aucHigh, String decision,
                           Integer candidate, String action, String status, Double seconds) {
    }

    /**
     * The nights of the runs, joined to the AUC of each night's predictions (known once its labels arrived, possibly
     * on a later night) and to the night's decision and what happened to its candidate.
     */
    public List<StoryRow> story(List<RunRecord> nights) {
        List<StoryRow> rows = new ArrayList<>();
        for (RunRecord r : nights) {
            Map<String, Object> m = jdbc.sql("""
                            SELECT mm.value AS auc, mm.ci_low AS auc_low, mm.ci_high AS auc_high, d.outcome, c.version AS candidate,
                                   d.action, r.rows_quarantined,
                                   (SELECT min(w ->> 'businessDate') || '..' || max(w ->> 'businessDate')
                                    FROM jsonb_array_elements(d.reasons -> 'metrics' -> 0 -> 'window') w) AS judged,
                                   (SELECT string_agg(f.feature, ', ' ORDER BY f.feature) FROM feature_drift f
                                    WHERE f.run_id = r.id AND f.chosen AND f.drifted AND f.feature NOT LIKE '\\_\\_%') AS drifted
                            FROM runs r
                            LEFT JOIN model_metrics mm ON mm.pipeline = r.pipeline AND mm.business_date = r.business_date
                                 AND mm.model_version_id = r.model_version_id AND mm.metric = 'auc'
                            LEFT JOIN decisions d ON d.run_id = r.id
                            LEFT JOIN model_versions c ON c.id = d.candidate_model_version_id
                            WHERE r.id = ?""").param(r.id()).query().singleRow();
            rows.add(new StoryRow(r.businessDate(), r.modelVersion(), r.rowsScored(), (Long) m.get("rows_quarantined"),
                    (String) m.get("drifted"), (Double) m.get("auc"), (Double) m.get("auc_low"),
                    (Double) m.get("auc_high"), m.get("judged") == null ? (String) m.get("outcome") : m.get("outcome") + " (judged "
                            + m.get("judged") + ")", (Integer) m.get("candidate"), (String) m.get("action"),
                    r.status(), r.duration() == null ? null : r.duration().toMillis() / 1000.0));
        }
        return rows;
    }

    private static List<Path> specFiles(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().toList();
            if (files.isEmpty()) {
                throw new IllegalStateException("no pipeline specs (*.yml) in " + dir);
            }
            return files;
        } catch (IOException e) {
            throw new IllegalStateException("cannot list pipeline specs in " + dir + ": " + e.getMessage(), e);
        }
    }
}
