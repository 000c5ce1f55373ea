package dev.nightshift.validation;

/**
 * One row of {@code nightshift.data_quality}: a check's outcome on a night. {@code gate} marks dataset-level checks,
 * whose failure fails the run before scoring; a failed row-level check only means its rows were quarantined.
 */
public record CheckResult(String check, String column, Double value, Double threshold, boolean passed, Long failingRows,
                          String detail, boolean gate) {

    public static final String SCHEMA = "schema";
    public static final String BAD_ROW_SHARE = "bad_row_share";
    public static final String ROW_COUNT_MIN = "row_count_min";
    public static final String ROW_COUNT_MAX = "row_count_max";

    public boolean failedGate() {
        return gate && !passed;
    }
}
