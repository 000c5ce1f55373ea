package dev.nightshift.scoring.compiled;

/** The outcome of compiling a pipeline: the compiled form, or the first stage that has no translation and why. */
public sealed interface Translation {

    /** Every stage translated. */
    record Compiled(CompiledPipeline pipeline) implements Translation {
    }

    /** Stage {@code stageIndex} (0-based, nested pipelines flattened) cannot be compiled; MLlib scores the whole model. */
    record Fallback(int stageIndex, String stage, String reason) implements Translation {

        public String message() {
            return "stage " + stageIndex + " (" + stage + ") cannot be compiled: " + reason;
        }
    }
}
