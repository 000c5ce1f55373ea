/**
 * Compiled scoring: a fitted MLlib pipeline as plain Spark SQL expressions ({@link dev.nightshift.scoring.compiled.PipelineCompiler}),
 * so that scoring runs as generated code over the input columns instead of building a feature vector per row and
 * calling the model on it. {@link dev.nightshift.scoring.compiled.Scoring} chooses between the compiled form and
 * MLlib's {@code transform}.
 *
 * <p>Equality with MLlib is the contract: the same formulas in the same order wherever MLlib sums sequentially; where
 * MLlib uses BLAS {@code ddot} (dense linear margins, GBT tree sums) the summation order may differ in the last bits.
 * The property test checks 1e-12 over random models and hostile inputs.
 */
package dev.nightshift.scoring.compiled;
