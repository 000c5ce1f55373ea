package dev.nightshift.testing;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.execution.aggregate.BaseAggregateExec;
import org.apache.spark.sql.execution.columnar.InMemoryTableScanExec;
import org.apache.spark.sql.execution.exchange.ReusedExchangeExec;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.util.QueryExecutionListener;
import scala.jdk.javaapi.CollectionConverters;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Listens to the queries Spark runs and records, from their executed physical plans, which file scans under a
 * directory actually ran (rows output by each scan node, cached plans included: a cache is built by the scan inside
 * its plan, whose metrics are shared by every query that reads the cache, so each scan node counts once; scans that
 * read no column, row counts from file metadata, are kept apart) and the
 * aggregate expressions of every aggregation. Start it before the work, {@link #stop} it after.
 */
public final class ScanRecorder implements QueryExecutionListener, AutoCloseable {

    private final SparkSession spark;
    private final String directory;
    /** Per scan node under the directory (by its output-rows metric's accumulator id): rows it output. */
    private final Map<Long, Long> scanRows = Collections.synchronizedMap(new LinkedHashMap<>());
    /** Per scan node under the directory that reads no column (a row count from file metadata): rows it counted. */
    private final Map<Long, Long> rowCounts = Collections.synchronizedMap(new LinkedHashMap<>());
    /** Per query: the aggregate expressions of its aggregation nodes outside cached plans, as text. */
    private final List<String> aggregations = Collections.synchronizedList(new ArrayList<>());

    private ScanRecorder(SparkSession spark, String directory) {
        this.spark = spark;
        this.directory = directory;
    }

    /** Records the scans of files under {@code directory} (a path or URI as Spark prints it, without a trailing slash). */
    public static ScanRecorder start(SparkSession spark, String directory) {
        ScanRecorder r = new ScanRecorder(spark, directory.replaceFirst("^file:/+", "/"));
        spark.listenerManager().register(r);
        return r;
    }

    /** Waits until Spark has delivered every query's event so far to this recorder, then stops listening. */
    public void stop() {
        try {
            spark.sparkContext().listenerBus().waitUntilEmpty(60_000);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Spark's listener bus did not drain within 60 s", e);
        } finally {
            spark.listenerManager().unregister(this);
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** How many scan nodes over the directory counted rows without reading a column (Parquet: from the footers). */
    public int rowCounts() {
        synchronized (rowCounts) {
            return (int) rowCounts.values().stream().filter(n -> n > 0).count();
        }
    }

    /** How many scan nodes over the directory read at least one row (and one column of it). */
    public int scans() {
        synchronized (scanRows) {
            return (int) scanRows.values().stream().filter(n -> n > 0).count();
        }
    }

    /** Rows all scans over the directory read together. */
    public long rowsScanned() {
        synchronized (scanRows) {
            return scanRows.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Per query that aggregated (outside cached plans), the text of its aggregate expressions. */
    public List<String> aggregations() {
        synchronized (aggregations) {
            return List.copyOf(aggregations);
        }
    }

    @Override
    public void onSuccess(String funcName, QueryExecution qe, long durationNs) {
        StringBuilder aggs = new StringBuilder();
        walk(qe.executedPlan(), false, aggs);
        if (!aggs.isEmpty()) {
            aggregations.add(aggs.toString());
        }
    }

    @Override
    public void onFailure(String funcName, QueryExecution qe, Exception exception) {
    }

    private void walk(SparkPlan plan, boolean insideCache, StringBuilder aggs) {
        if (plan instanceof AdaptiveSparkPlanExec a) {
            walk(a.executedPlan(), insideCache, aggs);
            return;
        }
        if (plan instanceof QueryStageExec s) {
            walk(s.plan(), insideCache, aggs);
            return;
        }
        if (plan instanceof ReusedExchangeExec r) {
            walk(r.child(), insideCache, aggs);
            return;
        }
        if (plan instanceof InMemoryTableScanExec m) {
            walk(m.relation().cachedPlan(), true, aggs);
            return;
        }
        if (plan instanceof FileSourceScanExec scan) {
            String roots = scan.relation().location().rootPaths().mkString(",");
            if (roots.replaceAll("file:/+", "/").contains(directory)) {
                SQLMetric rows = scan.metrics().apply("numOutputRows");
                // a scan that reads no column counts rows from the files' metadata (a Parquet count): not a read of the rows
                (scan.requiredSchema().isEmpty() ? rowCounts : scanRows).merge(rows.id(), rows.value(), Math::max);
            }
        }
        if (plan instanceof BaseAggregateExec agg && !insideCache) {
            aggs.append(agg.aggregateExpressions().mkString(", ")).append('\n');
        }
        for (SparkPlan child : CollectionConverters.asJava(plan.children())) {
            walk(child, insideCache, aggs);
        }
        for (SparkPlan sub : CollectionConverters.asJava(plan.subqueries())) {
            walk(sub, insideCache, aggs);
        }
    }
}
