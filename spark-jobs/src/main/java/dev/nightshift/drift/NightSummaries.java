package dev.nightshift.drift;

/**
 * A night's drift summaries computed by the score step over rows it already holds (NightJob): the input profile from
 * the validation pass and the prediction profile from the scored rows, against the reference profile of the model
 * version that scored the night. {@link DriftJob} uses them instead of reading the input and the predictions again
 * when they were computed for the model version and reference it verified.
 */
public record NightSummaries(long modelVersionId, ReferenceProfile reference, CurrentProfile input, CurrentProfile prediction) {

    /** Whether these summaries are those DriftJob would compute for {@code modelVersionId} against {@code reference}. */
    public boolean usableFor(long modelVersionId, ReferenceProfile reference) {
        return this.modelVersionId == modelVersionId && Profiling.sameBins(this.reference, reference);
    }
}
