package dev.nightshift.contract;

import java.time.LocalDate;

/** Layout of the warehouse root (a Hadoop file system URI such as {@code file:///...}, {@code hdfs://}, {@code s3a://}). */
public final class Warehouse {

    private Warehouse() {
    }

    public static String predictions(String warehouse, String pipeline) {
        return trim(warehouse) + "/predictions/" + pipeline;
    }

    /**
     * The Delta table of a pipeline's shadow predictions: the challenger's scores of each night's valid rows, kept
     * apart from the published ones (same columns, partitioned by business_date; a night is replaced whole).
     */
    public static String shadowPredictions(String warehouse, String pipeline) {
        return trim(warehouse) + "/shadow/" + pipeline;
    }

    /**
     * The Delta table of a pipeline's quarantined input rows (rows that failed validation, PII columns dropped),
     * partitioned by business_date; a night is replaced in one commit like the predictions.
     */
    public static String quarantine(String warehouse, String pipeline) {
        return trim(warehouse) + "/quarantine/" + pipeline;
    }

    public static String modelDir(String warehouse, String pipeline, int version) {
        return trim(warehouse) + "/models/" + pipeline + "/v" + version;
    }

    /** Expands {@code {warehouse}} and {@code {date}} (ISO date) in a spec path template. */
    public static String expand(String template, String warehouse, LocalDate date) {
        String s = template.replace("{warehouse}", trim(warehouse));
        return date == null ? s : s.replace("{date}", date.toString());
    }

    private static String trim(String warehouse) {
        return warehouse.endsWith("/") ? warehouse.substring(0, warehouse.length() - 1) : warehouse;
    }
}
