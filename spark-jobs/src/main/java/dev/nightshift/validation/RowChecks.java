package dev.nightshift.validation;

import dev.nightshift.contract.Columns;
import dev.nightshift.drift.ColumnarPass;
import dev.nightshift.drift.OnePass;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * The row-level checks of a {@link DataContract} as DataFrame expressions: every input row gets the array of
 * reasons it fails ({@link Columns#REASONS}, null when valid) in one projection after a broadcast join with the ids
 * that occur more than once (for duplicates). {@link #counts(Dataset, DataContract)} counts a flagged frame in one
 * aggregation: the definition of the counts, which a night gets from one pass over its rows instead
 * ({@link NightValidation#countAndProfile}, tested equal). Nothing here runs a Spark job per column.
 */
public final class RowChecks {

    /** Input columns with these names are renamed {@code input_<name>} in the quarantine table, whose own columns they are. */
    static final Set<String> RESERVED = Set.of(Columns.BUSINESS_DATE, Columns.RUN_ID, Columns.REASONS);

    private static final String DUPLICATE_KEY = "__nightshift_duplicate_id";
    private static final String ID_DUPLICATED = "__nightshift_id_duplicated";
    /** Above this many repeated id hashes, {@link #repeatedIds} aggregates every id instead of listing the hashes in the plan. */
    static final int MAX_LISTED_HASHES = 10_000;

    private RowChecks() {
    }

    /**
     * {@code rows} with {@link Columns#REASONS} appended: the reasons of every failing check, in
     * {@link DataContract#rowChecks()} order; null for a row that passes every check. Each action on the result
     * reads {@code rows} twice (the ids, then the rows): a night's input is flagged by {@link NightValidation#run}.
     */
    public static Dataset<Row> flag(Dataset<Row> rows, DataContract contract) {
        return flag(rows, duplicateIds(rows, contract), contract);
    }

    /**
     * A night's input (cached, or Parquet files that {@link NightValidation#run} reads again) flagged as by
     * {@link #flag}, given the ids that occur more than once ({@link #repeatedIds}): a projection over both that every
     * action evaluates again, cheaply (the reasons exist for failing rows only). Call {@link Flagged#release} when
     * done: it releases both (unpersisting input that is not cached does nothing).
     */
    public static Flagged flagged(Dataset<Row> input, RepeatedIds repeated, DataContract contract) {
        return new Flagged(flag(input, repeated.duplicates(), contract), input, repeated.stats());
    }

    /** Rows flagged over the night's input ({@link #flagged}) and the caches to release. */
    public record Flagged(Dataset<Row> rows, Dataset<Row> input, Dataset<Row> duplicates) {
        public void release() {
            duplicates.unpersist();
            input.unpersist();
        }
    }

    /**
     * The ids of {@code rows} that occur more than once, found exactly among the rows whose id has one of the
     * {@code hashes} ({@link OnePass#idHash}; sorted), and what they add to the counts: {@code rows} carrying such an
     * id (the duplicate_id check's count) and {@code clean} ones among them, which fail no other check (they are
     * quarantined for their id alone). {@code stats} is cached: release it with the flagged rows.
     */
    public record RepeatedIds(Dataset<Row> stats, long rows, long clean) {
        /** {@code (DUPLICATE_KEY, ID_DUPLICATED = true)}, joined by {@link #flag}. */
        Dataset<Row> duplicates() {
            return stats.select(col(DUPLICATE_KEY), lit(true).as(ID_DUPLICATED));
        }
    }

    /**
     * See {@link RepeatedIds}. Reads only the rows whose id hash is among {@code hashes}: none when it is empty (stats is
     * then an empty table, not a query); all rows
     * with an id (an aggregation of every id, which needs no list in the plan) when there are more than
     * {@link #MAX_LISTED_HASHES}, as on a night sent twice over.
     */
    public static RepeatedIds repeatedIds(Dataset<Row> rows, DataContract contract, long[] hashes) {
        Column id = col(contract.idColumn());
        if (hashes.length == 0) {
            // No id hash repeats, so no id does: an empty table of the same columns instead of a query over the night.
            // Planning and caching that query (whose result is known to be empty) cost the driver 80–300 ms a night in
            // the profiling benchmark, while both cores but one sat idle.
            StructType schema = new StructType()
                    .add(DUPLICATE_KEY, rows.select(id).schema().fields()[0].dataType(), true)
                    .add("n", DataTypes.LongType, false)
                    .add("clean", DataTypes.LongType, false);
            return new RepeatedIds(rows.sparkSession().createDataFrame(List.of(), schema), 0, 0);
        }
        Column candidate = hashes.length > MAX_LISTED_HASHES ? id.isNotNull()
                : id.isNotNull().and(OnePass.idHash(id).isin(java.util.Arrays.stream(hashes).boxed().toArray()));
        Column otherFailure = lit(false);
        for (Column c : otherConditions(contract)) {
            otherFailure = otherFailure.or(coalesce(c, lit(false)));
        }
        Dataset<Row> stats = rows.where(candidate).groupBy(id.as(DUPLICATE_KEY))
                .agg(count(lit(1)).as("n"), count(when(not(otherFailure), 1)).as("clean"))
                .where(col("n").gt(1)).persist(StorageLevel.MEMORY_AND_DISK());
        Row sums = stats.agg(coalesce(sum(col("n")), lit(0L)), coalesce(sum(col("clean")), lit(0L))).first();
        return new RepeatedIds(stats, sums.getLong(0), sums.getLong(1));
    }

    /** The contract's checks other than duplicate_id, in {@link DataContract#rowChecks()} order. */
    public static List<RowCheck> otherChecks(DataContract contract) {
        return contract.rowChecks().stream().filter(c -> !c.name().equals(RowCheck.DUPLICATE_ID)).toList();
    }

    /** The failure conditions of {@link #otherChecks}, over the input's columns (a null condition is no failure). */
    public static List<Column> otherConditions(DataContract contract) {
        return otherChecks(contract).stream().map(c -> condition(c, contract)).toList();
    }

    /**
     * The counts from one pass's per-check counts of {@link #otherChecks} ({@code failing}, in that order; {@code
     * failingAny} rows fail one or more) and the repeated ids.
     */
    public static ValidationCounts counts(long rows, long[] failing, long failingAny, RepeatedIds repeated, DataContract contract) {
        Map<RowCheck, Long> byCheck = new LinkedHashMap<>();
        int i = 0;
        for (RowCheck check : contract.rowChecks()) {
            byCheck.put(check, check.name().equals(RowCheck.DUPLICATE_ID) ? repeated.rows() : failing[i++]);
        }
        return new ValidationCounts(rows, failingAny + repeated.clean(), byCheck);
    }

    /**
     * The ids that occur more than once in {@code rows} (nulls aside), as {@code (DUPLICATE_KEY, ID_DUPLICATED = true)}:
     * an aggregation of the id column alone, joined back by {@link #flag}. A window over the id, the first design,
     * shuffled and sorted every row with all its columns; this shuffles one column (the profiling benchmark's
     * before and after, docs/performance-log.md).
     */
    private static Dataset<Row> duplicateIds(Dataset<Row> rows, DataContract contract) {
        String id = contract.idColumn();
        return rows.where(col(id).isNotNull()).groupBy(col(id).as(DUPLICATE_KEY)).count()
                .where(col("count").gt(1)).select(col(DUPLICATE_KEY), lit(true).as(ID_DUPLICATED));
    }

    private static Dataset<Row> flag(Dataset<Row> rows, Dataset<Row> duplicates, DataContract contract) {
        if (java.util.Arrays.asList(rows.columns()).contains(Columns.REASONS)) {
            rows = rows.withColumnRenamed(Columns.REASONS, "input_" + Columns.REASONS);
        }
        // Broadcast: a night normally has few repeated ids; even a night sent twice over is one column of ids.
        Dataset<Row> counted = rows.join(broadcast(duplicates), rows.col(contract.idColumn()).equalTo(duplicates.col(DUPLICATE_KEY)),
                "left_outer").drop(DUPLICATE_KEY);
        List<Column> reasons = new ArrayList<>();
        Column fails = lit(false);
        for (RowCheck check : contract.rowChecks()) {
            Column condition = condition(check, contract);
            reasons.add(when(condition, lit(check.reason())));
            fails = fails.or(condition);
        }
        // null for a valid row: building (and caching) an empty array for each of them cost as much as reading the
        // night, for nothing
        return counted.withColumn(Columns.REASONS, when(fails, array_compact(array(reasons.toArray(Column[]::new)))))
                .drop(ID_DUPLICATED);
    }

    /** The rows of a flagged frame that pass every check. */
    public static Dataset<Row> valid(Dataset<Row> flagged) {
        return flagged.where(col(Columns.REASONS).isNull()).drop(Columns.REASONS);
    }

    /**
     * The rows of a flagged frame that fail a check, as the quarantine table holds them: the input columns except the
     * PII ones (reserved names prefixed {@code input_}), then business_date, run_id and reasons.
     */
    public static Dataset<Row> quarantined(Dataset<Row> flagged, DataContract contract, LocalDate date, long runId) {
        List<Column> cols = new ArrayList<>();
        for (String c : flagged.columns()) {
            if (c.equals(Columns.REASONS) || contract.piiColumns().contains(c)) {
                continue;
            }
            cols.add(RESERVED.contains(c) ? col(c).as("input_" + c) : col(c));
        }
        cols.add(lit(date).as(Columns.BUSINESS_DATE));
        cols.add(lit(runId).as(Columns.RUN_ID));
        cols.add(col(Columns.REASONS));
        return flagged.where(col(Columns.REASONS).isNotNull()).select(cols.toArray(Column[]::new));
    }

    /**
     * Input rows, quarantined rows and rows failing each check of the contract, in one aggregation over a flagged frame:
     * the definition a night's pass ({@link NightValidation#countAndProfile}) is tested against.
     */
    public static ValidationCounts counts(Dataset<Row> flagged, DataContract contract) {
        List<RowCheck> checks = contract.rowChecks();
        List<Column> aggs = new ArrayList<>();
        aggs.add(count(col(Columns.REASONS)));
        for (RowCheck check : checks) {
            aggs.add(count(when(array_contains(col(Columns.REASONS), check.reason()), 1)));
        }
        Row r = flagged.agg(count(lit(1)), aggs.toArray(Column[]::new)).first();
        Map<RowCheck, Long> failing = new LinkedHashMap<>();
        for (int i = 0; i < checks.size(); i++) {
            failing.put(checks.get(i), r.getLong(2 + i));
        }
        return new ValidationCounts(r.getLong(0), r.getLong(1), failing);
    }

    private static Column condition(RowCheck check, DataContract contract) {
        Column c = col(check.column());
        return switch (check.name()) {
            case RowCheck.NULL_ID, RowCheck.NULL -> c.isNull();
            case RowCheck.DUPLICATE_ID -> c.isNotNull().and(col(ID_DUPLICATED).isNotNull());
            case RowCheck.NON_FINITE -> nonFinite(c);
            case RowCheck.OUT_OF_RANGE -> outOfRange(c, contract.feature(check.column()));
            case RowCheck.UNSEEN_CATEGORY -> c.isNotNull().and(not(c.isin(contract.feature(check.column()).categories().toArray())));
            default -> throw new IllegalStateException("unknown row check " + check.name());
        };
    }

    /**
     * The failure conditions of {@link #otherChecks} as {@link ColumnarPass} evaluates them, in the same order: the same
     * failures as {@link #otherConditions}.
     */
    public static List<ColumnarPass.Check> columnarChecks(DataContract contract) {
        return otherChecks(contract).stream().map(check -> switch (check.name()) {
            case RowCheck.NULL_ID, RowCheck.NULL -> ColumnarPass.Check.isNull(check.column());
            case RowCheck.NON_FINITE -> ColumnarPass.Check.nonFinite(check.column());
            case RowCheck.OUT_OF_RANGE -> ColumnarPass.Check.outOfRange(check.column(), contract.feature(check.column()).min(),
                    contract.feature(check.column()).max());
            case RowCheck.UNSEEN_CATEGORY -> ColumnarPass.Check.unseenCategory(check.column(), contract.feature(check.column()).categories());
            default -> throw new IllegalStateException("unknown row check " + check.name());
        }).toList();
    }

    private static Column nonFinite(Column c) {
        Column d = c.cast("double");
        return isnan(d).or(d.equalTo(Double.POSITIVE_INFINITY)).or(d.equalTo(Double.NEGATIVE_INFINITY));
    }

    // NaN compares greater than every number in Spark SQL, and infinities are beyond any bound: both are
    // non_finite, not out_of_range, so each bad value has exactly one reason.
    private static Column outOfRange(Column c, DataContract.FeatureRule rule) {
        Column d = c.cast("double");
        Column outside = lit(false);
        if (rule.min() != null) {
            outside = outside.or(d.lt(rule.min()));
        }
        if (rule.max() != null) {
            outside = outside.or(d.gt(rule.max()));
        }
        return d.isNotNull().and(not(nonFinite(c))).and(outside);
    }
}
