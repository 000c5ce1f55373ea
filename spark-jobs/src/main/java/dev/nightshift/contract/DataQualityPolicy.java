package dev.nightshift.contract;

/**
 * Dataset-level gates of the validation step: the largest share of quarantined rows a night may have, and the allowed
 * row count relative to the median of the last {@code rowCountNights} nights.
 */
public record DataQualityPolicy(Double maxBadRowShare, Double minRowCountRatio, Double maxRowCountRatio, Integer rowCountNights) {
    public DataQualityPolicy {
        maxBadRowShare = maxBadRowShare == null ? 0.01 : maxBadRowShare;
        minRowCountRatio = minRowCountRatio == null ? 0.5 : minRowCountRatio;
        maxRowCountRatio = maxRowCountRatio == null ? 2.0 : maxRowCountRatio;
        rowCountNights = rowCountNights == null ? 7 : rowCountNights;
    }
}
