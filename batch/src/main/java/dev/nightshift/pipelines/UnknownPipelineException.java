package dev.nightshift.pipelines;

import java.util.List;

/** A pipeline name that was never applied. */
public class UnknownPipelineException extends RuntimeException {
    public UnknownPipelineException(String pipeline, List<String> known) {
        super("unknown pipeline '" + pipeline + "'; applied pipelines: "
                + (known.isEmpty() ? "none (apply one with: nightshift pipelines apply FILE)" : String.join(", ", known)));
    }
}
