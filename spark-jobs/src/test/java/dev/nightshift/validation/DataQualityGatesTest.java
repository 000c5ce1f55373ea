package dev.nightshift.validation;

import dev.nightshift.contract.DataQualityPolicy;
import dev.nightshift.contract.PipelineSpec;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DataQualityGatesTest {

    private static final DataQualityPolicy DEFAULTS = new DataQualityPolicy(null, null, null, null);

    @Test
    void theMedianOfOddAndEvenCounts() {
        assertThat(DataQualityGates.median(List.of(7L))).isEqualTo(7.0);
        assertThat(DataQualityGates.median(List.of(300L, 100L, 200L))).isEqualTo(200.0);
        assertThat(DataQualityGates.median(List.of(400L, 100L, 300L, 200L))).isEqualTo(250.0);
        assertThatThrownBy(() -> DataQualityGates.median(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theRowCountMustLieWithinTheRatiosOfTheMedianOfTheLastNights() {
        // given 3 nights of history used (rowCountNights 3): the 4th, older one (10) is ignored; median 100
        DataQualityPolicy policy = new DataQualityPolicy(null, 0.5, 2.0, 3);
        List<Long> history = List.of(100L, 90L, 120L, 10L);

        // when / then: bounds 50 and 200, inclusive
        assertThat(DataQualityGates.rowCount(50, history, policy)).allMatch(CheckResult::passed);
        assertThat(DataQualityGates.rowCount(200, history, policy)).allMatch(CheckResult::passed);
        List<CheckResult> low = DataQualityGates.rowCount(49, history, policy);
        assertThat(low.get(0).check()).isEqualTo(CheckResult.ROW_COUNT_MIN);
        assertThat(low.get(0).passed()).isFalse();
        assertThat(low.get(0).threshold()).isEqualTo(50.0);
        assertThat(low.get(0).value()).isEqualTo(49.0);
        assertThat(low.get(0).detail()).isEqualTo("at least 50 rows = 0.5 x median 100 input rows of the last 3 night(s)");
        assertThat(low.get(1).passed()).isTrue();
        List<CheckResult> high = DataQualityGates.rowCount(201, history, policy);
        assertThat(high.get(1).check()).isEqualTo(CheckResult.ROW_COUNT_MAX);
        assertThat(high.get(1).threshold()).isEqualTo(200.0);
        assertThat(high.get(1).passed()).isFalse();
    }

    @Test
    void withoutHistoryTheRowCountPassesWithANote() {
        List<CheckResult> r = DataQualityGates.rowCount(5, List.of(), DEFAULTS);

        assertThat(r).extracting(CheckResult::check).containsExactly(CheckResult.ROW_COUNT_MIN, CheckResult.ROW_COUNT_MAX);
        assertThat(r).allSatisfy(c -> {
            assertThat(c.passed()).isTrue();
            assertThat(c.threshold()).isNull();
            assertThat(c.value()).isEqualTo(5.0);
            assertThat(c.detail()).contains("no earlier nights");
        });
    }

    @Test
    void theBadRowShareGateAndOneRowPerRowCheck() {
        // given 200 rows, 3 quarantined: 2 with a null plan, 1 duplicate... and one row failing both
        Map<RowCheck, Long> failing = new LinkedHashMap<>();
        failing.put(RowCheck.of(RowCheck.DUPLICATE_ID, "id"), 2L);
        failing.put(RowCheck.of(RowCheck.NULL, "plan"), 2L);
        failing.put(RowCheck.of(RowCheck.NULL, "tenure"), 0L);
        ValidationCounts counts = new ValidationCounts(200, 3, failing);

        // when the default policy (max share 0.01) judges it
        List<CheckResult> rows = DataQualityGates.evaluate(counts, DEFAULTS, List.of(200L));

        // then
        assertThat(rows).extracting(CheckResult::check).containsExactly("duplicate_id", "null", "null", "bad_row_share",
                "row_count_min", "row_count_max");
        CheckResult plan = rows.get(1);
        assertThat(plan.column()).isEqualTo("plan");
        assertThat(plan.value()).isEqualTo(0.01);
        assertThat(plan.failingRows()).isEqualTo(2L);
        assertThat(plan.passed()).isFalse();
        assertThat(plan.gate()).isFalse();
        assertThat(rows.get(2).passed()).isTrue();
        CheckResult share = rows.get(3);
        assertThat(share.value()).isEqualTo(0.015);
        assertThat(share.threshold()).isEqualTo(0.01);
        assertThat(share.failingRows()).isEqualTo(3L);
        assertThat(share.failedGate()).isTrue();
        assertThat(share.detail()).isEqualTo("3 of 200 rows quarantined (1.50%, max 1.00%)");
        assertThat(rows.get(4).threshold()).isEqualTo(100.0);
        assertThat(rows.get(5).threshold()).isEqualTo(400.0);

        // and the run's failure message names pipeline, date, check, value and threshold
        String message = DataQualityGates.failureMessage("churn", LocalDate.of(2026, 10, 20),
                rows.stream().filter(CheckResult::failedGate).toList(), "file:/w/quarantine/churn");
        assertThat(message).isEqualTo("pipeline 'churn', business date 2026-10-20: input failed validation, nothing scored:"
                + " check bad_row_share value 0.015 > threshold 0.01 (3 of 200 rows quarantined (1.50%, max 1.00%));"
                + " see nightshift.data_quality and the quarantine table file:/w/quarantine/churn");
    }

    @Test
    void aSpecWithoutMonitoringGetsTheDefaultPolicy() {
        PipelineSpec spec = new PipelineSpec("p", null, null, null, null, null, null, null);
        assertThat(DataQualityGates.policy(spec)).isEqualTo(DEFAULTS);
        assertThat(DEFAULTS.maxBadRowShare()).isEqualTo(0.01);
        PipelineSpec withMonitoring = new PipelineSpec("p", null, null, null, null, null, null,
                new PipelineSpec.Monitoring(null, null, null, null, null));
        assertThat(DataQualityGates.policy(withMonitoring)).isEqualTo(DEFAULTS);
    }
}
