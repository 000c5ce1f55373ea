-- Hyperparameter search (model.search in a spec): what was tried when a version's parameters were chosen by search.

ALTER TABLE model_versions ADD COLUMN tuning jsonb;
COMMENT ON COLUMN model_versions.tuning IS 'The hyperparameter search that chose some of params: method, metric, folds or trainRatio, every candidate with its validation metric, and the best; null when params were fixed in the spec.';
