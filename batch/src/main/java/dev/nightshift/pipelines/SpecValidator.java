package dev.nightshift.pipelines;

import dev.nightshift.contract.Algorithm;
import dev.nightshift.contract.DataQualityPolicy;
import dev.nightshift.contract.DriftPolicy;
import dev.nightshift.contract.MetricPolicy;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.Task;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.quartz.CronExpression;

/** Checks what the YAML binding cannot: required fields, cron, time zone, algorithm fit, ranges. */
public final class SpecValidator {
    private static final Set<String> FORMATS = Set.of("parquet", "csv", "json", "orc", "delta");
    private static final Set<String> STRING_PARAMS = Set.of("featureSubsetStrategy");
    private static final Set<String> BOOLEAN_PARAMS = Set.of("standardization");

    public List<String> validate(PipelineSpec spec) {
        List<String> problems = new ArrayList<>();
        if (blank(spec.name())) {
            problems.add("field 'name': required; expected a pipeline name such as churn");
        } else if (!spec.name().matches("[a-z][a-z0-9_-]{0,62}")) {
            problems.add("field 'name': '" + spec.name() + "' is not allowed; expected lower-case letters, digits, '-' or '_', starting with a letter");
        }
        if (spec.task() == null) {
            problems.add("field 'task': required; expected one of: binary-classification, regression");
        }
        schedule(spec.schedule(), problems);
        input(spec.input(), problems);
        groundTruth(spec.groundTruth(), problems);
        features(spec, problems);
        model(spec, problems);
        monitoring(spec, problems);
        retraining(spec, problems);
        privacy(spec, problems);
        return problems;
    }

    /** The entity id is written to every output (as is, or pseudonymized): it cannot also be a pii column. */
    private static void privacy(PipelineSpec spec, List<String> problems) {
        if (spec.input() == null || spec.input().idColumn() == null) {
            return;
        }
        PipelineSpec.Feature id = spec.feature(spec.input().idColumn());
        if (id != null && id.pii()) {
            problems.add("field 'features': '" + id.name() + "' is input.idColumn and pii: true; the id is written to every output;"
                    + " expected privacy.pseudonymizeIds: true and the id column not marked pii");
        }
    }

    private static void schedule(PipelineSpec.Schedule s, List<String> problems) {
        if (s == null) {
            return;
        }
        if (blank(s.cron())) {
            problems.add("field 'schedule.cron': required when schedule is given; expected a Quartz cron expression such as \"0 30 2 * * ?\"");
        } else if (!CronExpression.isValidExpression(s.cron()) || secondsOrMinutesOutOfRange(s.cron())) {
            String reason;
            try {
                CronExpression.validateExpression(s.cron());
                reason = secondsOrMinutesOutOfRange(s.cron()) ? " (seconds and minutes must be between 0 and 59)" : "";
            } catch (java.text.ParseException e) {
                reason = " (" + e.getMessage() + ")";
            }
            problems.add("field 'schedule.cron': '" + s.cron() + "' is not a valid Quartz cron expression" + reason
                    + "; expected six or seven fields: sec min hour day-of-month month day-of-week [year], e.g. \"0 30 2 * * ?\"");
        }
        if (!PipelineSpec.Schedule.MISFIRE_POLICIES.contains(s.misfire())) {
            problems.add("field 'schedule.misfire': '" + s.misfire() + "' is not a misfire policy; expected one of: "
                    + String.join(", ", PipelineSpec.Schedule.MISFIRE_POLICIES));
        }
        if (s.maxCatchUp() < 1) {
            problems.add("field 'schedule.maxCatchUp': " + s.maxCatchUp() + "; expected at least 1 night");
        }
        if (s.deadline() != null && !s.deadline().matches("([01][0-9]|2[0-3]):[0-5][0-9]")) {
            problems.add("field 'schedule.deadline': '" + s.deadline() + "' is not a time of day; expected HH:mm such as \"06:00\"");
        }
        try {
            ZoneId.of(s.timezone());
        } catch (DateTimeException e) {
            problems.add("field 'schedule.timezone': '" + s.timezone() + "' is not a time zone; expected an IANA name such as Europe/Berlin or UTC");
        }
    }

    /** Quartz 2.5 accepts e.g. minute 99 silently (and then never fires); refuse it here. */
    static boolean secondsOrMinutesOutOfRange(String cron) {
        String[] fields = cron.trim().split("\\s+");
        for (int i = 0; i < Math.min(2, fields.length); i++) {
            for (String token : fields[i].split("[,/\\-]")) {
                if (token.matches("\\d+") && Integer.parseInt(token) > 59) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void input(PipelineSpec.Input in, List<String> problems) {
        if (in == null) {
            problems.add("field 'input': required; expected a mapping with format, path, idColumn and dateColumn (or a path with {date})");
            return;
        }
        if (blank(in.path())) {
            problems.add("field 'input.path': required; expected a path or URI, with {date} or together with input.dateColumn");
        } else if (!in.pathIsDated() && blank(in.dateColumn())) {
            problems.add("field 'input.dateColumn': required when input.path has no {date}; expected the column holding the business date");
        }
        if (blank(in.idColumn())) {
            problems.add("field 'input.idColumn': required; expected the column identifying an entity");
        }
        identifier("input.idColumn", in.idColumn(), problems);
        identifier("input.dateColumn", in.dateColumn(), problems);
        if (!FORMATS.contains(in.format())) {
            problems.add("field 'input.format': '" + in.format() + "' is not supported; expected one of: " + String.join(", ", sorted(FORMATS)));
        }
        if (!PipelineSpec.Input.CACHE_MODES.contains(in.cache())) {
            problems.add("field 'input.cache': '" + in.cache() + "' is not supported; expected one of: "
                    + String.join(", ", PipelineSpec.Input.CACHE_MODES));
        }
    }

    /** Column names a spec gives: plain identifiers, so that no name can carry SQL, a path or Spark's column syntax. */
    static final java.util.regex.Pattern IDENTIFIER = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    private static void identifier(String field, String value, List<String> problems) {
        if (!blank(value) && !IDENTIFIER.matcher(value).matches()) {
            problems.add("field '" + field + "': '" + value + "' is not a plain column name; expected letters, digits and '_',"
                    + " starting with a letter or '_' (at most 128 characters)");
        }
    }

    private static void groundTruth(PipelineSpec.GroundTruth gt, List<String> problems) {
        if (gt == null) {
            problems.add("field 'groundTruth': required; expected a mapping with path, idColumn, dateColumn, labelColumn and lagDays (training needs labels)");
            return;
        }
        if (blank(gt.path())) {
            problems.add("field 'groundTruth.path': required; expected a path or URI of the labels");
        }
        if (blank(gt.idColumn())) {
            problems.add("field 'groundTruth.idColumn': required; expected the entity id column of the labels");
        }
        if (blank(gt.dateColumn())) {
            problems.add("field 'groundTruth.dateColumn': required; expected the column with the date a label judges");
        }
        if (blank(gt.labelColumn())) {
            problems.add("field 'groundTruth.labelColumn': required; expected the label column");
        }
        identifier("groundTruth.idColumn", gt.idColumn(), problems);
        identifier("groundTruth.dateColumn", gt.dateColumn(), problems);
        identifier("groundTruth.labelColumn", gt.labelColumn(), problems);
        if (gt.lagDays() < 0) {
            problems.add("field 'groundTruth.lagDays': " + gt.lagDays() + " is negative; expected 0 or more days");
        }
        if (!FORMATS.contains(gt.format())) {
            problems.add("field 'groundTruth.format': '" + gt.format() + "' is not supported; expected one of: " + String.join(", ", sorted(FORMATS)));
        }
    }

    private static void features(PipelineSpec spec, List<String> problems) {
        if (spec.features().isEmpty()) {
            problems.add("field 'features': required; expected a list of {name, type} with at least one numeric or categorical feature");
            return;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < spec.features().size(); i++) {
            PipelineSpec.Feature f = spec.features().get(i);
            String at = "field 'features[" + i + "]";
            if (f == null || blank(f.name())) {
                problems.add(at + ".name': required; expected a column name");
                continue;
            }
            identifier("features[" + i + "].name", f.name(), problems);
            if (!names.add(f.name())) {
                problems.add(at + ".name': '" + f.name() + "' appears twice; expected unique feature names");
            }
            if (f.type() == null) {
                problems.add(at + ".type': required for '" + f.name() + "'; expected one of: numeric, categorical, string");
            }
            if (f.min() != null && f.max() != null && f.min() > f.max()) {
                problems.add(at + "': min " + f.min() + " is above max " + f.max() + " for '" + f.name() + "'");
            }
            if (spec.input() != null && f.name().equals(spec.input().idColumn())) {
                problems.add(at + ".name': '" + f.name() + "' is the id column; expected features other than input.idColumn");
            }
        }
        if (spec.features().stream().noneMatch(f -> f != null && f.type() != null && f.type().isModelInput())) {
            problems.add("field 'features': no numeric or categorical feature; expected at least one the model can use");
        }
    }

    private static void model(PipelineSpec spec, List<String> problems) {
        PipelineSpec.ModelConfig m = spec.model();
        if (m == null) {
            problems.add("field 'model': required; expected a mapping with algorithm (" + String.join(", ", Algorithm.specNames()) + ")");
            return;
        }
        if (m.algorithm() == null) {
            problems.add("field 'model.algorithm': required; expected one of: " + String.join(", ", Algorithm.specNames()));
        } else {
            Task task = spec.task();
            if (task != null && m.algorithm().task() != task) {
                problems.add("field 'model.algorithm': '" + m.algorithm().specName() + "' is for " + m.algorithm().task().specName()
                        + ", not " + task.specName() + "; expected one of: " + String.join(", ", Algorithm.specNames().stream()
                        .filter(n -> Algorithm.fromSpecName(n).task() == task).toList()));
            }
            for (Map.Entry<String, Object> p : m.params().entrySet()) {
                param(m.algorithm(), "field 'model.params." + p.getKey() + "': ", p.getKey(), p.getValue(), problems);
            }
            if (m.search() != null) {
                search(spec, m, problems);
            }
        }
        if (m.trainingWindowDays() < 2) {
            problems.add("field 'model.trainingWindowDays': " + m.trainingWindowDays() + "; expected at least 2 days");
        }
        if (m.holdoutDays() < 1 || m.holdoutDays() >= m.trainingWindowDays()) {
            problems.add("field 'model.holdoutDays': " + m.holdoutDays() + "; expected at least 1 and fewer than trainingWindowDays ("
                    + m.trainingWindowDays() + ")");
        }
        if (m.threshold() <= 0 || m.threshold() >= 1) {
            problems.add("field 'model.threshold': " + m.threshold() + "; expected a probability strictly between 0 and 1");
        }
    }

    /** One parameter value: a parameter of the algorithm, of the type MLlib expects. */
    private static void param(Algorithm algorithm, String at, String name, Object value, List<String> problems) {
        if (!algorithm.params().contains(name)) {
            problems.add(at + "not a parameter of " + algorithm.specName() + "; expected one of: "
                    + String.join(", ", sorted(algorithm.params())));
        } else if (STRING_PARAMS.contains(name)) {
            if (!(value instanceof String)) {
                problems.add(at + "expected a string");
            }
        } else if (BOOLEAN_PARAMS.contains(name)) {
            if (!(value instanceof Boolean)) {
                problems.add(at + "expected true or false");
            }
        } else if (!(value instanceof Number)) {
            problems.add(at + "'" + value + "' is not a number; expected a number");
        }
    }

    private static void search(PipelineSpec spec, PipelineSpec.ModelConfig m, List<String> problems) {
        PipelineSpec.Search s = m.search();
        if (!PipelineSpec.Search.METHODS.contains(s.method())) {
            problems.add("field 'model.search.method': '" + s.method() + "'; expected one of: " + String.join(", ", PipelineSpec.Search.METHODS));
        }
        List<String> metrics = spec.task() == Task.REGRESSION ? PipelineSpec.Search.REGRESSION_METRICS : PipelineSpec.Search.CLASSIFICATION_METRICS;
        if (s.metric() != null && !metrics.contains(s.metric())) {
            problems.add("field 'model.search.metric': '" + s.metric() + "'; expected one of: " + String.join(", ", metrics));
        }
        if (s.folds() < 2) {
            problems.add("field 'model.search.folds': " + s.folds() + "; expected at least 2");
        }
        if (!(s.trainRatio() > 0 && s.trainRatio() < 1)) {
            problems.add("field 'model.search.trainRatio': " + s.trainRatio() + "; expected a share strictly between 0 and 1");
        }
        if (s.grid().isEmpty()) {
            problems.add("field 'model.search.grid': empty; expected parameter names with lists of values to try, e.g. { maxDepth: [3, 5] }");
        }
        for (Map.Entry<String, List<Object>> g : s.grid().entrySet()) {
            String at = "field 'model.search.grid." + g.getKey() + "': ";
            if (g.getValue() == null || g.getValue().isEmpty()) {
                problems.add(at + "no values; expected a list of at least one value");
                continue;
            }
            if (m.params().containsKey(g.getKey())) {
                problems.add(at + "also fixed in model.params; expected each parameter in one place");
            }
            for (int i = 0; i < g.getValue().size(); i++) {
                param(m.algorithm(), at.substring(0, at.length() - 3) + "[" + i + "]': ", g.getKey(), g.getValue().get(i), problems);
                if (!m.algorithm().params().contains(g.getKey())) {
                    break;
                }
            }
            if (new java.util.HashSet<>(g.getValue()).size() < g.getValue().size()) {
                problems.add(at + "a value is listed twice; expected distinct values");
            }
        }
        if (s.combinations() > PipelineSpec.Search.MAX_COMBINATIONS) {
            problems.add("field 'model.search.grid': " + s.combinations() + " combinations; expected at most "
                    + PipelineSpec.Search.MAX_COMBINATIONS + " (each is a full fit" + (PipelineSpec.Search.CROSS_VALIDATION.equals(s.method())
                    ? ", times " + s.folds() + " folds" : "") + ")");
        }
    }

    private static void monitoring(PipelineSpec spec, List<String> problems) {
        PipelineSpec.Monitoring m = spec.monitoring();
        if (m == null) {
            return;
        }
        List<String> known = spec.task() == Task.REGRESSION ? MetricPolicy.REGRESSION_METRICS : MetricPolicy.CLASSIFICATION_METRICS;
        for (int i = 0; i < m.metrics().size(); i++) {
            MetricPolicy p = m.metrics().get(i);
            String at = "field 'monitoring.metrics[" + i + "]";
            if (p.metric() == null || !known.contains(p.metric())) {
                problems.add(at + ".metric': '" + p.metric() + "' is not a metric of " + (spec.task() == null ? "this task" : spec.task().specName())
                        + "; expected one of: " + String.join(", ", known));
            }
            if (p.min() == null && p.max() == null && p.maxDrop() == null) {
                problems.add(at + "': no threshold; expected at least one of min, max, maxDrop");
            }
            if (p.maxDrop() != null && p.metric() != null && !MetricPolicy.HOLDOUT_NAMES.containsKey(p.metric())) {
                problems.add(at + ".maxDrop': '" + p.metric() + "' is not measured on the training holdout, so there is no baseline"
                        + " to drop from; use min/max, or maxDrop on one of: " + holdoutMetrics(spec));
            }
            if (p.minSamples() < 1 || p.consecutive() < 1) {
                problems.add(at + "': minSamples and consecutive must be at least 1");
            }
        }
        if (m.drift() != null) {
            DriftPolicy d = m.drift();
            if (!DriftPolicy.METHODS.contains(d.method())) {
                problems.add("field 'monitoring.drift.method': '" + d.method() + "'; expected one of: " + String.join(", ", DriftPolicy.METHODS));
            }
            if (d.maxDriftedShare() < 0 || d.maxDriftedShare() > 1) {
                problems.add("field 'monitoring.drift.maxDriftedShare': " + d.maxDriftedShare() + "; expected a share between 0 and 1");
            }
            if (d.bins() < 2) {
                problems.add("field 'monitoring.drift.bins': " + d.bins() + "; expected at least 2");
            }
            d.columns().forEach((column, override) -> {
                if (spec.feature(column) == null) {
                    problems.add("field 'monitoring.drift.columns." + column + "': not a feature of the spec");
                } else if (spec.feature(column).pii()) {
                    problems.add("field 'monitoring.drift.columns." + column + "': the feature is pii: true and pii features are"
                            + " not profiled nor measured for drift; expected a feature that is not pii");
                }
                if (override != null && override.method() != null && !DriftPolicy.METHODS.contains(override.method())) {
                    problems.add("field 'monitoring.drift.columns." + column + ".method': '" + override.method() + "'; expected one of: "
                            + String.join(", ", DriftPolicy.METHODS));
                }
            });
        }
        if (m.dataQuality() != null) {
            DataQualityPolicy q = m.dataQuality();
            if (q.maxBadRowShare() < 0 || q.maxBadRowShare() > 1) {
                problems.add("field 'monitoring.dataQuality.maxBadRowShare': " + q.maxBadRowShare() + "; expected a share between 0 and 1");
            }
            if (q.minRowCountRatio() > q.maxRowCountRatio()) {
                problems.add("field 'monitoring.dataQuality': minRowCountRatio is above maxRowCountRatio");
            }
        }
        for (String segment : m.segments()) {
            if (spec.feature(segment) == null || spec.feature(segment).type() != dev.nightshift.contract.FeatureType.CATEGORICAL) {
                problems.add("field 'monitoring.segments': '" + segment + "' is not a categorical feature of the spec");
            } else if (spec.feature(segment).pii()) {
                problems.add("field 'monitoring.segments': '" + segment + "' is pii: true; its values would be written to"
                        + " model_segment_metrics; expected a feature that is not pii");
            }
        }
        if (m.evaluationWindowDays() < 1) {
            problems.add("field 'monitoring.evaluationWindowDays': " + m.evaluationWindowDays() + "; expected at least 1");
        }
    }

    private static void retraining(PipelineSpec spec, List<String> problems) {
        PipelineSpec.Retraining r = spec.retraining();
        if (r == null) {
            return;
        }
        if (!PipelineSpec.Retraining.PROMOTION_POLICIES.contains(r.promotion())) {
            problems.add("field 'retraining.promotion': '" + r.promotion() + "'; expected one of: "
                    + String.join(", ", PipelineSpec.Retraining.PROMOTION_POLICIES));
        }
        PipelineSpec.Gate g = r.gate();
        if (g.metric() != null && !holdoutMetrics(spec).contains(g.metric())) {
            problems.add("field 'retraining.gate.metric': '" + g.metric() + "' is not measured on the training holdout of "
                    + (spec.task() == null ? "this task" : spec.task().specName()) + "; expected one of: " + String.join(", ", holdoutMetrics(spec)));
        }
        if (PipelineSpec.Retraining.SHADOW.equals(r.promotion())) {
            if (r.shadowDays() < 1) {
                problems.add("field 'retraining.shadowDays': " + r.shadowDays() + "; expected at least 1 labelled night");
            }
            if (spec.monitoring() == null || spec.monitoring().metrics().isEmpty()) {
                problems.add("field 'retraining.promotion': shadow compares live " + dev.nightshift.decisions.PromotionGate.metric(spec)
                        + " of challenger and champion, but the"
                        + " spec has no monitoring.metrics, so nothing is evaluated; expected at least one monitoring.metrics entry");
            }
        }
        if (r.onDrift() && (spec.monitoring() == null || spec.monitoring().drift() == null)) {
            problems.add("field 'retraining.onDrift': true, but the spec has no monitoring.drift to measure drift with");
        }
        if (g.minImprovement() < 0 || g.minRelativeImprovement() < 0) {
            problems.add("field 'retraining.gate': minImprovement and minRelativeImprovement must not be negative");
        }
        if (g.maxSegmentDrop() != null) {
            if (g.maxSegmentDrop() < 0) {
                problems.add("field 'retraining.gate.maxSegmentDrop': " + g.maxSegmentDrop() + "; expected 0 or more");
            }
            if (spec.monitoring() == null || spec.monitoring().segments().isEmpty()) {
                problems.add("field 'retraining.gate.maxSegmentDrop': set, but the spec has no monitoring.segments to compare"
                        + " per segment; expected at least one categorical feature in monitoring.segments");
            }
        }
        if (g.minSegmentRows() < 1) {
            problems.add("field 'retraining.gate.minSegmentRows': " + g.minSegmentRows() + "; expected at least 1");
        }
    }

    /** The metrics of the spec's task that training measures on its holdout. */
    private static List<String> holdoutMetrics(PipelineSpec spec) {
        List<String> known = spec.task() == Task.REGRESSION ? MetricPolicy.REGRESSION_METRICS : MetricPolicy.CLASSIFICATION_METRICS;
        return known.stream().filter(MetricPolicy.HOLDOUT_NAMES::containsKey).toList();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }
}
