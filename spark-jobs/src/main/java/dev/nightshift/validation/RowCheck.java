package dev.nightshift.validation;

/**
 * One row-level check on one column: its name in {@code data_quality.check_name}, the column, and the reason a
 * failing row carries in the quarantine table ({@code check:column}, or just the check for the id checks).
 */
public record RowCheck(String name, String column, String reason) {

    public static final String NULL = "null";
    /** NaN or an infinity in a numeric feature. */
    public static final String NON_FINITE = "non_finite";
    /** A finite numeric value below the spec's {@code min} or above its {@code max}. */
    public static final String OUT_OF_RANGE = "out_of_range";
    /** A categorical value the model's training rows never had (from its reference profile). */
    public static final String UNSEEN_CATEGORY = "unseen_category";
    public static final String NULL_ID = "null_id";
    /** Every row of an entity id that occurs more than once: none of them is scored, since none is known to be right. */
    public static final String DUPLICATE_ID = "duplicate_id";

    static RowCheck of(String name, String column) {
        boolean idCheck = name.equals(NULL_ID) || name.equals(DUPLICATE_ID);
        return new RowCheck(name, column, idCheck ? name : name + ":" + column);
    }
}
