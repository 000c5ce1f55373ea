package dev.nightshift.decisions;

import java.time.LocalDate;

/** One evaluated date of one metric of one model version, as EvaluateJob wrote it to {@code model_metrics}. */
public record MetricObservation(LocalDate businessDate, double value, Double ciLow, Double ciHigh, long n) {
}
