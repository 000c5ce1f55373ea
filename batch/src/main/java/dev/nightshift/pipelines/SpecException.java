package dev.nightshift.pipelines;

import java.util.List;

/** A pipeline spec that cannot be applied; each problem names the file, the field and what was expected. */
public class SpecException extends RuntimeException {
    private final List<String> problems;

    public SpecException(String source, List<String> problems) {
        super(source + ": invalid pipeline spec:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
