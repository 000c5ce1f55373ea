package dev.nightshift.evaluation;

import dev.nightshift.contract.EvaluateArgs;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class IntervalsAndWindowTest {

    @Test
    void wilsonIntervalOfEightOutOfTen() {
        // By hand: p = 0.8, z^2 = 3.8414588, d = 1 + z^2/10 = 1.38414588, centre = (0.8 + z^2/20) / d = 0.71674016,
        // half = z / d * sqrt(0.8 * 0.2 / 10 + z^2 / 400) = 0.22657785; textbook tables give (0.4902, 0.9433).
        Intervals.Interval i = Intervals.wilson(8, 10);
        assertThat(i.low()).isCloseTo(0.4901624715366418, within(1e-12));
        assertThat(i.high()).isCloseTo(0.9433178485456248, within(1e-12));
        assertThat(i.low()).isCloseTo(0.4902, within(1e-4));
        assertThat(i.high()).isCloseTo(0.9433, within(1e-4));
    }

    @Test
    void wilsonIntervalAtZeroSuccessesStaysInsideTheUnitInterval() {
        Intervals.Interval i = Intervals.wilson(0, 5);
        assertThat(i.low()).isEqualTo(0.0);
        assertThat(i.high()).isCloseTo(0.43448246478317476, within(1e-12));
        assertThat(Intervals.wilson(0, 0)).isNull();
        assertThat(Intervals.wilson(300, 300).high()).isEqualTo(1.0);
    }

    @Test
    void delongIntervalIsNormalAndClipped() {
        Intervals.Interval i = Intervals.delong(0.8, 0.01);
        assertThat(i.low()).isCloseTo(0.8 - 0.1959963984540054, within(1e-12));
        assertThat(i.high()).isEqualTo(0.9959963984540054, within(1e-12));
        assertThat(Intervals.delong(0.99, 0.01).high()).isEqualTo(1.0);
        assertThat(Intervals.delong(0.7, null)).isNull();
    }

    @Test
    void windowEndsLagDaysBeforeTheRunDate() {
        EvaluationWindow w = EvaluationWindow.of(LocalDate.of(2026, 10, 22), 2, 3);
        assertThat(w.from()).isEqualTo(LocalDate.of(2026, 10, 18));
        assertThat(w.to()).isEqualTo(LocalDate.of(2026, 10, 20));
        assertThat(EvaluationWindow.of(LocalDate.of(2026, 10, 22), 0, 1))
                .isEqualTo(new EvaluationWindow(LocalDate.of(2026, 10, 22), LocalDate.of(2026, 10, 22)));
        assertThatThrownBy(() -> EvaluationWindow.of(LocalDate.of(2026, 10, 22), 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void argumentsRoundTrip() {
        EvaluateArgs a = new EvaluateArgs("churn", 3, LocalDate.of(2026, 10, 22), "file:///w", 17);
        assertThat(a.toArgs()).containsExactly("--pipeline=churn", "--spec-version=3", "--business-date=2026-10-22",
                "--warehouse=file:///w", "--run-id=17");
        assertThat(EvaluateArgs.parse(a.toArgs().toArray(String[]::new))).isEqualTo(a);
        assertThat(EvaluateArgs.JOB_CLASS).isEqualTo(EvaluateJob.class.getName());
    }
}
