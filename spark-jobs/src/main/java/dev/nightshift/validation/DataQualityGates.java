package dev.nightshift.validation;

import dev.nightshift.contract.DataQualityPolicy;
import dev.nightshift.contract.PipelineSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a night's counts into {@code data_quality} rows: one per row-level check, and the dataset-level gates
 * (bad-row share; row count within [minRowCountRatio, maxRowCountRatio] x the median input rows of the last
 * {@code rowCountNights} earlier nights). Plain logic, no Spark.
 */
public final class DataQualityGates {

    private DataQualityGates() {
    }

    /** The spec's data quality policy; a spec without one gets the defaults, since validation always runs. */
    public static DataQualityPolicy policy(PipelineSpec spec) {
        DataQualityPolicy p = spec.monitoring() == null ? null : spec.monitoring().dataQuality();
        return p != null ? p : new DataQualityPolicy(null, null, null, null);
    }

    /**
     * Every check's row for a night with {@code counts.rows() > 0}. {@code history} holds the input rows of earlier
     * nights, newest first (at most {@code rowCountNights} are used).
     */
    public static List<CheckResult> evaluate(ValidationCounts counts, DataQualityPolicy policy, List<Long> history) {
        List<CheckResult> out = new ArrayList<>();
        for (Map.Entry<RowCheck, Long> e : counts.failing().entrySet()) {
            long failing = e.getValue();
            out.add(new CheckResult(e.getKey().name(), e.getKey().column(), (double) failing / counts.rows(), null, failing == 0,
                    failing, failing == 0 ? null : failing + " rows quarantined with reason " + e.getKey().reason(), false));
        }
        out.add(badRowShare(counts, policy.maxBadRowShare()));
        out.addAll(rowCount(counts.rows(), history, policy));
        return out;
    }

    static CheckResult badRowShare(ValidationCounts counts, double max) {
        double share = counts.badRowShare();
        boolean passed = share <= max;
        return new CheckResult(CheckResult.BAD_ROW_SHARE, null, share, max, passed, counts.quarantined(),
                counts.quarantined() + " of " + counts.rows() + " rows quarantined (" + percent(share) + ", max "
                        + percent(max) + ")", true);
    }

    /** The row_count_min and row_count_max gates; both pass with a note when there is no history. */
    static List<CheckResult> rowCount(long rows, List<Long> history, DataQualityPolicy policy) {
        List<Long> window = history.subList(0, Math.min(history.size(), policy.rowCountNights()));
        if (window.isEmpty()) {
            String note = "no earlier nights in data_quality: row count not checked";
            return List.of(new CheckResult(CheckResult.ROW_COUNT_MIN, null, (double) rows, null, true, null, note, true),
                    new CheckResult(CheckResult.ROW_COUNT_MAX, null, (double) rows, null, true, null, note, true));
        }
        double median = median(window);
        double lo = policy.minRowCountRatio() * median;
        double hi = policy.maxRowCountRatio() * median;
        String basis = " x median " + number(median) + " input rows of the last " + window.size() + " night(s)";
        return List.of(
                new CheckResult(CheckResult.ROW_COUNT_MIN, null, (double) rows, lo, rows >= lo, null,
                        "at least " + number(lo) + " rows = " + number(policy.minRowCountRatio()) + basis, true),
                new CheckResult(CheckResult.ROW_COUNT_MAX, null, (double) rows, hi, rows <= hi, null,
                        "at most " + number(hi) + " rows = " + number(policy.maxRowCountRatio()) + basis, true));
    }

    /** The median of a non-empty list; the mean of the middle two for an even size. */
    public static double median(List<Long> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("median of no values");
        }
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
    }

    /**
     * The message of a run failed by gates: pipeline, date, each failed check with its value and threshold, and where
     * the evidence is.
     */
    static String failureMessage(String pipeline, java.time.LocalDate date, List<CheckResult> failed, String quarantineTable) {
        StringBuilder sb = new StringBuilder("pipeline '" + pipeline + "', business date " + date + ": input failed validation, nothing scored: ");
        for (int i = 0; i < failed.size(); i++) {
            CheckResult r = failed.get(i);
            String op = r.check().equals(CheckResult.ROW_COUNT_MIN) ? " < " : " > ";
            sb.append(i == 0 ? "" : "; ").append("check ").append(r.check()).append(" value ").append(number(r.value()))
                    .append(op).append("threshold ").append(number(r.threshold())).append(" (").append(r.detail()).append(")");
        }
        return sb.append("; see ").append(dev.nightshift.contract.Tables.DATA_QUALITY).append(" and the quarantine table ")
                .append(quarantineTable).toString();
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.2f%%", share * 100);
    }

    private static String number(double v) {
        return new java.math.BigDecimal(v).setScale(4, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }
}
