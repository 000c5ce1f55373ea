package dev.nightshift.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nightshift.contract.Algorithm;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.SpecCodec;
import dev.nightshift.contract.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SpecParserTest {
    private final SpecParser parser = new SpecParser();

    private static final String VALID = """
            name: churn
            task: binary-classification
            schedule: { cron: "0 30 2 * * ?", timezone: Europe/Berlin }
            input: { path: "{warehouse}/input/churn", dateColumn: event_date, idColumn: customer_id }
            groundTruth: { path: "{warehouse}/labels/churn", idColumn: customer_id, dateColumn: event_date, labelColumn: churned, lagDays: 7 }
            features:
              - { name: tenure_months, type: numeric, min: 0 }
              - { name: plan, type: categorical }
            model: { algorithm: gbt-classifier, params: { maxDepth: 4 } }
            """;

    @Test
    void parsesTheExampleSpecsShippedInConfig() throws Exception {
        for (String name : new String[] {"churn.yml", "demand.yml"}) {
            Path file = Path.of("../config/pipelines", name);
            PipelineSpec spec = parser.parse(file.toString(), Files.readString(file));
            assertThat(spec.name()).isEqualTo(name.replace(".yml", ""));
            assertThat(spec.modelFeatures()).isNotEmpty();
        }
    }

    @Test
    void appliesDefaultsAndRoundTripsThroughTheStoredJson() {
        PipelineSpec spec = parser.parse("churn.yml", VALID);

        assertThat(spec.task()).isEqualTo(Task.BINARY_CLASSIFICATION);
        assertThat(spec.model().algorithm()).isEqualTo(Algorithm.GBT_CLASSIFIER);
        assertThat(spec.model().trainingWindowDays()).isEqualTo(90);
        assertThat(spec.model().threshold()).isEqualTo(0.5);
        assertThat(spec.schedule().businessDateOffsetDays()).isEqualTo(-1);
        assertThat(spec.input().format()).isEqualTo("parquet");
        assertThat(SpecCodec.fromJson(SpecCodec.toJson(spec))).isEqualTo(spec);
    }

    @Test
    void refusesAnUnknownKeyNamingTheFieldAndTheKnownKeys() {
        assertThatThrownBy(() -> parser.parse("churn.yml", VALID.replace("lagDays: 7", "lagDays: 7, lagHours: 3")))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("churn.yml")
                .hasMessageContaining("field 'groundTruth.lagHours'")
                .hasMessageContaining("unknown key 'lagHours'")
                .hasMessageContaining("expected one of: dateColumn, format, idColumn, labelColumn, lagDays, path");
    }

    @Test
    void refusesAMissingRequiredField() {
        assertThatThrownBy(() -> parser.parse("churn.yml", VALID.replace(", idColumn: customer_id }", " }")))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("field 'input.idColumn': required");
    }

    @Test
    void refusesABadCronIncludingValuesQuartzWouldSilentlyAccept() {
        assertThatThrownBy(() -> parser.parse("churn.yml", VALID.replace("0 30 2 * * ?", "every night")))
                .hasMessageContaining("field 'schedule.cron': 'every night' is not a valid Quartz cron expression")
                .hasMessageContaining("expected six or seven fields");
        assertThatThrownBy(() -> parser.parse("churn.yml", VALID.replace("0 30 2 * * ?", "0 99 2 * * ?")))
                .hasMessageContaining("seconds and minutes must be between 0 and 59");
    }

    @Test
    void acceptsADeadlineAsATimeOfDayAndRefusesAnythingElse() {
        PipelineSpec spec = parser.parse("churn.yml", VALID.replace("timezone: Europe/Berlin", "timezone: Europe/Berlin, deadline: \"06:00\""));
        assertThat(spec.schedule().deadline()).isEqualTo("06:00");
        assertThat(parser.parse("churn.yml", VALID).schedule().deadline()).isNull();
        assertThatThrownBy(() -> parser.parse("churn.yml", VALID.replace("timezone: Europe/Berlin", "timezone: Europe/Berlin, deadline: 6am")))
                .hasMessageContaining("field 'schedule.deadline': '6am' is not a time of day; expected HH:mm");
    }

    @Test
    void readsTheInputCacheModeAutoByDefaultAndRefusesAnUnknownOne() {
        assertThat(parser.parse("churn.yml", VALID).input().cache()).isEqualTo("auto");
        PipelineSpec always = parser.parse("churn.yml", VALID.replace("idColumn: customer_id }", "idColumn: customer_id, cache: always }"));
        assertThat(always.input().alwaysCached()).isTrue();
        assertThat(SpecCodec.fromJson(SpecCodec.toJson(always))).isEqualTo(always);
        assertThatThrownBy(() -> parser.parse("churn.yml", VALID.replace("idColumn: customer_id }", "idColumn: customer_id, cache: never }")))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("field 'input.cache': 'never' is not supported; expected one of: auto, always");
    }

    @Test
    void refusesAnUnknownAlgorithmListingTheKnownOnes() {
        assertThatThrownBy(() -> parser.parse("churn.yml", VALID.replace("gbt-classifier", "xgboost")))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("field 'model.algorithm'")
                .hasMessageContaining("unknown algorithm 'xgboost'; expected one of: logistic-regression, gbt-classifier");
    }

    @Test
    void refusesAnAlgorithmOfTheWrongTaskAndUnknownParameters() {
        assertThatThrownBy(() -> parser.parse("churn.yml", VALID.replace("gbt-classifier", "linear-regression")))
                .hasMessageContaining("'linear-regression' is for regression, not binary-classification")
                .hasMessageContaining("field 'model.params.maxDepth': not a parameter of linear-regression");
        assertThatThrownBy(() -> parser.parse("churn.yml", VALID.replace("maxDepth: 4", "maxDepth: deep")))
                .hasMessageContaining("field 'model.params.maxDepth': 'deep' is not a number");
    }

    @Test
    void refusesWrongTypesAndBadTimeZones() {
        assertThatThrownBy(() -> parser.parse("churn.yml", VALID.replace("lagDays: 7", "lagDays: a week")))
                .hasMessageContaining("field 'groundTruth.lagDays'")
                .hasMessageContaining("not a valid number");
        assertThatThrownBy(() -> parser.parse("churn.yml", VALID.replace("Europe/Berlin", "Mars/Olympus")))
                .hasMessageContaining("field 'schedule.timezone': 'Mars/Olympus' is not a time zone");
        assertThatThrownBy(() -> parser.parse("churn.yml", VALID.replace("type: categorical", "type: text")))
                .hasMessageContaining("field 'features[1].type'")
                .hasMessageContaining("expected one of: numeric, categorical, string");
    }

    @Test
    void checksMonitoringPoliciesAgainstTheTaskAndTheFeatures() {
        String monitoring = VALID + """
                monitoring:
                  metrics: [ { metric: rmse, max: 3 }, { metric: auc } ]
                  drift: { method: psi-ish, columns: { nope: { threshold: 0.1 } } }
                  segments: [ tenure_months ]
                """;
        assertThatThrownBy(() -> parser.parse("churn.yml", monitoring))
                .hasMessageContaining("field 'monitoring.metrics[0].metric': 'rmse' is not a metric of binary-classification")
                .hasMessageContaining("field 'monitoring.metrics[1]': no threshold")
                .hasMessageContaining("field 'monitoring.drift.method': 'psi-ish'")
                .hasMessageContaining("field 'monitoring.drift.columns.nope': not a feature")
                .hasMessageContaining("'tenure_months' is not a categorical feature");
        PipelineSpec ok = parser.parse("churn.yml", VALID + "monitoring: { metrics: [ { metric: auc, min: 0.7, consecutive: 2 } ] }\n");
        assertThat(ok.monitoring().metrics().get(0).minSamples()).isEqualTo(100);
        assertThat(ok.monitoring().evaluationWindowDays()).isEqualTo(7);
    }

    @Test
    void columnNamesThatCouldCarrySqlOrSparkSyntaxAreRefused() {
        String injected = VALID
                .replace("idColumn: customer_id }\n", "idColumn: \"customer_id; DROP TABLE nightshift.runs; --\" }\n")
                .replace("labelColumn: churned", "labelColumn: \"churned' OR '1'='1\"")
                .replace("name: plan, type", "name: \"plan.`x`\", type");
        assertThatThrownBy(() -> parser.parse("churn.yml", injected))
                .hasMessageContaining("field 'input.idColumn': 'customer_id; DROP TABLE nightshift.runs; --' is not a plain column name")
                .hasMessageContaining("field 'groundTruth.labelColumn': 'churned' OR '1'='1' is not a plain column name")
                .hasMessageContaining("field 'features[1].name': 'plan.`x`' is not a plain column name");
        assertThat(parser.parse("churn.yml", VALID.replace("tenure_months", "_Tenure_Months2")).features().get(0).name())
                .isEqualTo("_Tenure_Months2");
    }

    @Test
    void reportsEveryProblemAtOnce() {
        String text = VALID.replace("0 30 2 * * ?", "bad").replace("gbt-classifier", "linear-regression");
        assertThatThrownBy(() -> parser.parse("churn.yml", text))
                .isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.problems()).hasSizeGreaterThanOrEqualTo(3));
    }

    @Test
    void checksTheRetrainingPolicyAndMaxDropOnlyWhereTheHoldoutMeasuresTheMetric() {
        String bad = VALID + """
                monitoring: { metrics: [ { metric: brier, maxDrop: 0.05 } ] }
                retraining: { promotion: sometimes, onDrift: true, gate: { metric: f1, minImprovement: -1, maxSegmentDrop: -0.1, minSegmentRows: 0 } }
                """;
        assertThatThrownBy(() -> parser.parse("churn.yml", bad))
                .hasMessageContaining("field 'monitoring.metrics[0].maxDrop': 'brier' is not measured on the training holdout")
                .hasMessageContaining("field 'retraining.promotion': 'sometimes'; expected one of: auto, manual, shadow")
                .hasMessageContaining("field 'retraining.gate.metric': 'f1' is not measured on the training holdout of binary-classification;"
                        + " expected one of: auc, pr_auc, log_loss, accuracy")
                .hasMessageContaining("must not be negative")
                .hasMessageContaining("field 'retraining.onDrift': true, but the spec has no monitoring.drift")
                .hasMessageContaining("field 'retraining.gate.maxSegmentDrop': -0.1; expected 0 or more")
                .hasMessageContaining("field 'retraining.gate.maxSegmentDrop': set, but the spec has no monitoring.segments")
                .hasMessageContaining("field 'retraining.gate.minSegmentRows': 0; expected at least 1");
        PipelineSpec defaults = parser.parse("churn.yml", VALID);
        assertThat(defaults.retraining()).isNull();
        assertThat(defaults.retrainingOrDefaults().promotion()).isEqualTo("auto");
        assertThat(defaults.retrainingOrDefaults().gate().minImprovement()).isZero();
        PipelineSpec manual = parser.parse("churn.yml", VALID + "retraining: { promotion: manual, gate: { metric: log_loss } }\n");
        assertThat(SpecCodec.fromJson(SpecCodec.toJson(manual))).isEqualTo(manual);
    }

    @Test
    void acceptsAHyperparameterSearchAndChecksItsGridMethodMetricAndSize() {
        String search = """
                  search:
                    method: cross-validation
                    folds: 4
                    metric: pr_auc
                    grid: { stepSize: [0.05, 0.1], maxIter: [10, 20] }
                """;
        PipelineSpec ok = parser.parse("churn.yml", VALID.replace("model: { algorithm: gbt-classifier, params: { maxDepth: 4 } }",
                "model:\n  algorithm: gbt-classifier\n  params: { maxDepth: 4 }\n") + search);
        assertThat(ok.model().search().method()).isEqualTo("cross-validation");
        assertThat(ok.model().search().grid()).containsOnlyKeys("maxIter", "stepSize");
        assertThat(ok.model().search().combinations()).isEqualTo(4);
        assertThat(SpecCodec.fromJson(SpecCodec.toJson(ok))).isEqualTo(ok);

        String bad = VALID.replace("model: { algorithm: gbt-classifier, params: { maxDepth: 4 } }", """
                model:
                  algorithm: gbt-classifier
                  params: { maxDepth: 4 }
                  search:
                    method: grid
                    folds: 1
                    trainRatio: 1.5
                    metric: accuracy
                    grid: { maxDepth: [3, 5], stepSize: [0.1, "fast", 0.1], depth: [1], maxIter: [] }
                """);
        assertThatThrownBy(() -> parser.parse("churn.yml", bad))
                .hasMessageContaining("field 'model.search.method': 'grid'; expected one of: train-validation-split, cross-validation")
                .hasMessageContaining("field 'model.search.metric': 'accuracy'; expected one of: auc, pr_auc, log_loss")
                .hasMessageContaining("field 'model.search.folds': 1; expected at least 2")
                .hasMessageContaining("field 'model.search.trainRatio': 1.5; expected a share strictly between 0 and 1")
                .hasMessageContaining("field 'model.search.grid.maxDepth': also fixed in model.params")
                .hasMessageContaining("field 'model.search.grid.stepSize[1]': 'fast' is not a number")
                .hasMessageContaining("field 'model.search.grid.stepSize': a value is listed twice")
                .hasMessageContaining("field 'model.search.grid.depth[0]': not a parameter of gbt-classifier")
                .hasMessageContaining("field 'model.search.grid.maxIter': no values");
        String tooMany = VALID.replace("params: { maxDepth: 4 } }", "params: { maxDepth: 4 }, search: { grid: {"
                + " maxIter: [1, 2, 3, 4, 5, 6, 7, 8, 9], stepSize: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8] } } }");
        assertThatThrownBy(() -> parser.parse("churn.yml", tooMany))
                .hasMessageContaining("field 'model.search.grid': 72 combinations; expected at most 64 (each is a full fit)");
    }

    @Test
    void theShadowPolicyNeedsLiveMetricsAndAtLeastOneNight() {
        assertThatThrownBy(() -> parser.parse("churn.yml", VALID + "retraining: { promotion: shadow, shadowDays: 0 }\n"))
                .hasMessageContaining("field 'retraining.shadowDays': 0; expected at least 1 labelled night")
                .hasMessageContaining("field 'retraining.promotion': shadow compares live auc of challenger and champion, but the spec"
                        + " has no monitoring.metrics");
        PipelineSpec shadow = parser.parse("churn.yml", VALID + """
                monitoring: { metrics: [ { metric: auc, min: 0.7 } ] }
                retraining: { promotion: shadow, shadowDays: 3 }
                """);
        assertThat(shadow.retraining().promotion()).isEqualTo("shadow");
        assertThat(shadow.retraining().shadowDays()).isEqualTo(3);
    }

    @Test
    void diffsTwoSpecsFieldByFieldMatchingFeaturesByName() {
        PipelineSpec a = parser.parse("a.yml", VALID);
        PipelineSpec b = parser.parse("b.yml", VALID
                .replace("maxDepth: 4", "maxDepth: 6")
                .replace("  - { name: tenure_months, type: numeric, min: 0 }\n",
                        "  - { name: age, type: numeric }\n  - { name: tenure_months, type: numeric, min: 1 }\n")
                + "retraining: { promotion: manual }\n");

        assertThat(SpecDiff.diff(a, b)).containsExactly(
                "features[name=age]: (absent) -> {\"name\":\"age\",\"type\":\"numeric\",\"pii\":false}",
                "features[name=tenure_months].min: 0.0 -> 1.0",
                "model.params.maxDepth: 4 -> 6",
                "retraining: (absent) -> {\"promotion\":\"manual\",\"gate\":{\"minImprovement\":0.0,\"minRelativeImprovement\":0.0,\"minSegmentRows\":100},\"onDrift\":false,\"shadowDays\":7}");
        assertThat(SpecDiff.diff(a, parser.parse("a2.yml", VALID + "# only a comment\n"))).isEmpty();
    }
}
