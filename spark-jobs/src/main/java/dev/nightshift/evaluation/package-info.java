/**
 * Evaluation of published predictions against ground truth that arrived later ({@link dev.nightshift.evaluation.EvaluateJob}).
 *
 * <p>Definitions, per (pipeline, business date, model version):
 * <ul>
 *   <li>label_coverage: predictions with a usable label / predictions (Wilson interval, n = predictions). A label is
 *   usable unless the entity id's label rows of that date disagree.</li>
 *   <li>duplicate_labels: predicted entity ids with more than one label row (agreeing or not); conflicting_labels: those
 *   whose rows disagree, which are left out of every metric. Both exact counts, n = predictions.</li>
 *   <li>Classification (score &ge; model.threshold predicts positive): auc (DeLong), pr_auc (average precision),
 *   log_loss, brier, f1, ece (bootstrap), accuracy, precision, recall, positive_rate (Wilson). ece uses 10
 *   equal-width bins of the score: sum over bins of (rows in bin / rows) * |mean label - mean score|.</li>
 *   <li>Regression: rmse, mae, r2, mape (bootstrap); mape leaves out rows whose label is 0 and mape_zero_labels counts
 *   them.</li>
 * </ul>
 * Intervals are 95%. A metric that is undefined for a date (e.g. auc without positives) gets no row.
 */
package dev.nightshift.evaluation;
