package dev.nightshift.web.dashboard;

import dev.nightshift.contract.MetricPolicy;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.Task;
import dev.nightshift.pipelines.PipelineService;
import dev.nightshift.pipelines.PipelineSummary;
import dev.nightshift.registry.ModelRegistry;
import dev.nightshift.registry.ModelVersion;
import dev.nightshift.runs.RunRecord;
import dev.nightshift.runs.RunRepository;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;

/** Assembles what each dashboard page (and the run report) shows from {@link DashboardQueries}; no SQL and no HTML here. */
@Service
public class DashboardService {
    /** The steps of the nightly job in the order they run; the grid has one row per step. */
    public static final List<String> STEPS = List.of("champion", "score", "decide", "retrain", "gate");

    private final DashboardQueries queries;
    private final PipelineService pipelines;
    private final ModelRegistry registry;
    private final RunRepository runs;

    public DashboardService(DashboardQueries queries, PipelineService pipelines, ModelRegistry registry, RunRepository runs) {
        this.queries = queries;
        this.pipelines = pipelines;
        this.registry = registry;
        this.runs = runs;
    }

    /** The metric a pipeline is judged by first: its first monitored metric, else AUC (classification) or RMSE (regression). */
    public static String primaryMetric(PipelineSpec spec) {
        if (spec.monitoring() != null && !spec.monitoring().metrics().isEmpty()) {
            return spec.monitoring().metrics().get(0).metric();
        }
        return spec.task() == Task.REGRESSION ? "rmse" : "auc";
    }

    /** The fixed limits of a metric's policies as chart lines (maxDrop is relative to each model's holdout and is not drawn). */
    public static List<MetricChart.Limit> limits(PipelineSpec spec, String metric) {
        List<MetricChart.Limit> limits = new ArrayList<>();
        if (spec.monitoring() == null) {
            return limits;
        }
        for (MetricPolicy p : spec.monitoring().metrics()) {
            if (p.metric().equals(metric)) {
                if (p.min() != null) {
                    limits.add(new MetricChart.Limit(p.min(), "min " + p.min()));
                }
                if (p.max() != null) {
                    limits.add(new MetricChart.Limit(p.max(), "max " + p.max()));
                }
            }
        }
        return limits;
    }

    /** One line of the overview: how a pipeline is doing, and why it is not fine when it is not. */
    public record Health(PipelineSummary pipeline, String level, Long lastRunId, String metric, DashboardQueries.MetricPoint latestMetric,
                         List<MetricChart.Limit> limits, boolean metricBreached, LocalDate driftNight, long driftedFeatures,
                         long monitoredFeatures, List<DashboardQueries.AlertRow> openAlerts) {
    }

    public List<Health> overview() {
        List<Health> rows = new ArrayList<>();
        for (PipelineSummary p : pipelines.list()) {
            PipelineSpec spec = pipelines.current(p.name()).spec();
            List<DashboardQueries.NightRun> last = queries.latestRunPerNight(p.name(), 1);
            String metric = primaryMetric(spec);
            List<DashboardQueries.MetricPoint> points = queries.metrics(p.name(), metric, LocalDate.of(9999, 12, 31));
            DashboardQueries.MetricPoint latest = latestOf(points, p.championVersion());
            List<MetricChart.Limit> limits = limits(spec, metric);
            boolean breached = latest != null && limits.stream().anyMatch(l -> l.label().startsWith("min")
                    ? latest.value() < l.value() : latest.value() > l.value());
            List<DashboardQueries.DriftCell> drift = latestDrift(p.name());
            long features = drift.stream().filter(d -> !d.feature().startsWith("__")).count();
            long drifted = drift.stream().filter(d -> !d.feature().startsWith("__") && d.drifted()).count();
            List<DashboardQueries.AlertRow> alerts = queries.openAlerts(p.name());
            String level = !last.isEmpty() && "FAILED".equals(last.get(0).status()) ? "failed"
                    : breached || alerts.stream().anyMatch(a -> "critical".equals(a.severity())) ? "failed"
                    : drifted > 0 || !alerts.isEmpty() ? "warn"
                    : last.isEmpty() ? "none" : "ok";
            rows.add(new Health(p, level, last.isEmpty() ? null : last.get(0).runId(), metric, latest, limits, breached,
                    drift.isEmpty() ? null : drift.get(0).date(), drifted, features, alerts));
        }
        return rows;
    }

    private static DashboardQueries.MetricPoint latestOf(List<DashboardQueries.MetricPoint> points, Integer champion) {
        return points.stream().filter(m -> champion == null || m.modelVersion() == champion)
                .max(Comparator.comparing(DashboardQueries.MetricPoint::date)).orElse(null);
    }

    private List<DashboardQueries.DriftCell> latestDrift(String pipeline) {
        List<DashboardQueries.NightRun> nights = queries.latestRunPerNight(pipeline, 60);
        if (nights.isEmpty()) {
            return List.of();
        }
        List<DashboardQueries.DriftCell> cells = queries.drift(pipeline, nights.get(nights.size() - 1).date(), nights.get(0).date());
        Optional<LocalDate> latest = cells.stream().map(DashboardQueries.DriftCell::date).max(Comparator.naturalOrder());
        return latest.map(d -> cells.stream().filter(c -> c.date().equals(d)).toList()).orElse(List.of());
    }

    /** The grid of a pipeline: nights as columns (oldest left), steps as rows, each cell the step of the night's latest run. */
    public record Grid(List<DashboardQueries.NightRun> nights, List<String> steps, Map<String, Map<Long, DashboardQueries.StepCell>> cells) {
        public DashboardQueries.StepCell cell(String step, long runId) {
            return cells.getOrDefault(step, Map.of()).get(runId);
        }

        public List<DashboardQueries.NightRun> newestFirst() {
            List<DashboardQueries.NightRun> copy = new ArrayList<>(nights);
            java.util.Collections.reverse(copy);
            return copy;
        }
    }

    public Grid grid(String pipeline, int nights) {
        pipelines.current(pipeline);
        List<DashboardQueries.NightRun> runs = new ArrayList<>(queries.latestRunPerNight(pipeline, nights));
        java.util.Collections.reverse(runs);
        Map<String, Map<Long, DashboardQueries.StepCell>> cells = new LinkedHashMap<>();
        for (DashboardQueries.StepCell c : queries.steps(runs.stream().map(DashboardQueries.NightRun::runId).toList())) {
            cells.computeIfAbsent(c.step(), s -> new LinkedHashMap<>()).put(c.runId(), c);
        }
        List<String> steps = new ArrayList<>(STEPS);
        cells.keySet().stream().filter(s -> !steps.contains(s)).forEach(steps::add);
        return new Grid(runs, steps, cells);
    }

    /**
     * One chart per metric the pipeline has evaluated, its policy's limits and the nights where the champion changed. A
     * metric without limits that is 0 on every night (say {@code duplicate_labels}) gets no chart ({@code svg} empty): a
     * flat line at zero says less than a sentence.
     */
    public record Chart(String metric, String svg, boolean primary, int points, List<MetricChart.Limit> limits) {
    }

    public List<Chart> charts(String pipeline, LocalDate upTo) {
        PipelineSpec spec = pipelines.current(pipeline).spec();
        String primary = primaryMetric(spec);
        List<DashboardQueries.ChampionChange> changes = queries.championChanges(pipeline).stream()
                .filter(c -> !c.date().isAfter(upTo)).toList();
        List<String> names = new ArrayList<>(queries.metricNames(pipeline));
        names.sort(Comparator.comparing((String m) -> !m.equals(primary)).thenComparing(Function.identity()));
        List<Chart> charts = new ArrayList<>();
        for (String metric : names) {
            List<DashboardQueries.MetricPoint> points = queries.metrics(pipeline, metric, upTo);
            if (points.isEmpty()) {
                continue;
            }
            List<MetricChart.Limit> limits = limits(spec, metric);
            boolean zeroEverywhere = !metric.equals(primary) && limits.isEmpty() && points.stream().allMatch(p -> p.value() == 0.0);
            charts.add(new Chart(metric, zeroEverywhere ? "" : MetricChart.svg(metric, points, limits, changes, 760, 260),
                    metric.equals(primary), points.size(), limits));
        }
        return charts;
    }

    /** The drift heatmap: features as rows (model output and dataset share last), nights as columns. */
    public record Heatmap(List<LocalDate> nights, List<String> features, Map<String, Map<LocalDate, DashboardQueries.DriftCell>> cells) {
        public DashboardQueries.DriftCell cell(String feature, LocalDate night) {
            return cells.getOrDefault(feature, Map.of()).get(night);
        }

        /** 0 (no drift) .. 1 (at or past the threshold) for the cell's colour. */
        public static double intensity(DashboardQueries.DriftCell c) {
            if (c == null || c.statistic() == null || c.threshold() <= 0) {
                return 0;
            }
            return Math.max(0, Math.min(1, c.statistic() / c.threshold()));
        }
    }

    public Heatmap heatmap(String pipeline, int nights) {
        pipelines.current(pipeline);
        List<DashboardQueries.NightRun> runs = queries.latestRunPerNight(pipeline, nights);
        if (runs.isEmpty()) {
            return new Heatmap(List.of(), List.of(), Map.of());
        }
        List<DashboardQueries.DriftCell> cells = queries.drift(pipeline, runs.get(runs.size() - 1).date(), runs.get(0).date());
        TreeSet<LocalDate> dates = cells.stream().map(DashboardQueries.DriftCell::date).collect(Collectors.toCollection(TreeSet::new));
        Map<String, Map<LocalDate, DashboardQueries.DriftCell>> byFeature = new TreeMap<>(
                Comparator.comparing((String f) -> f.startsWith("__")).thenComparing(Function.identity()));
        for (DashboardQueries.DriftCell c : cells) {
            byFeature.computeIfAbsent(c.feature(), f -> new LinkedHashMap<>()).put(c.date(), c);
        }
        return new Heatmap(new ArrayList<>(dates), new ArrayList<>(byFeature.keySet()), byFeature);
    }

    /** A model version with the decision whose retrain produced it (null for a bootstrap or imported model). */
    public record ModelRow(ModelVersion model, DashboardQueries.DecisionRow producedBy) {
    }

    public List<ModelRow> models(String pipeline) {
        pipelines.current(pipeline);
        Map<Integer, DashboardQueries.DecisionRow> byCandidate = new LinkedHashMap<>();
        for (DashboardQueries.DecisionRow d : queries.decisionsWithCandidates(pipeline)) {
            byCandidate.put(d.candidateVersion(), d);
        }
        return registry.list(pipeline).stream().sorted(Comparator.comparingInt(ModelVersion::version).reversed())
                .map(m -> new ModelRow(m, byCandidate.get(m.version()))).toList();
    }

    /** Everything known about one run: the run detail page and the run report show the same. */
    public record RunDetail(RunRecord run, Long rowsQuarantined, List<DashboardQueries.StepCell> steps,
                            Optional<DashboardQueries.DecisionRow> decision, List<DashboardQueries.MetricPoint> nightMetrics,
                            List<DashboardQueries.MetricPoint> metrics, List<DashboardQueries.DriftCell> drift, List<DashboardQueries.QualityCheck> quality,
                            List<DashboardQueries.AlertRow> alerts, Optional<DashboardQueries.ReportRow> report,
                            Optional<ModelVersion> trained) {
        public long driftedFeatures() {
            return drift.stream().filter(d -> d.drifted() && !d.feature().startsWith("__")).count();
        }

        public long failedChecks() {
            return quality.stream().filter(q -> !q.passed()).count();
        }

        /** The step that failed, if one did. */
        public Optional<DashboardQueries.StepCell> failedStep() {
            return steps.stream().filter(s -> "FAILED".equals(s.status())).findFirst();
        }
    }

    public Optional<RunDetail> run(long runId) {
        return runs.find(runId).map(r -> new RunDetail(r, queries.rowsQuarantined(runId),
                queries.steps(List.of(runId)), queries.decision(runId),
                r.modelVersionId() == null ? List.of() : queries.metricsOfNight(r.pipeline(), r.businessDate(), r.modelVersionId()),
                queries.metricsOfRun(runId), queries.driftOfRun(runId),
                queries.quality(runId), queries.alertsOfRun(runId), queries.report(runId), registry.createdByRun(runId)));
    }
}
