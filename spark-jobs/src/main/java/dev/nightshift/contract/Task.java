package dev.nightshift.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What a pipeline's model predicts. */
public enum Task {
    BINARY_CLASSIFICATION("binary-classification"),
    REGRESSION("regression");

    private final String specName;

    Task(String specName) {
        this.specName = specName;
    }

    @JsonValue
    public String specName() {
        return specName;
    }

    @JsonCreator
    public static Task fromSpecName(String name) {
        for (Task t : values()) {
            if (t.specName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown task '" + name + "'; expected one of: binary-classification, regression");
    }
}
