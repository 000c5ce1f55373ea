package dev.nightshift.pipelines;

import dev.nightshift.contract.PipelineSpec;
import java.time.OffsetDateTime;

/** A stored version of a pipeline spec. */
public record AppliedSpec(String pipeline, int version, PipelineSpec spec, String sha256, OffsetDateTime appliedAt,
                          boolean changed) {
}
