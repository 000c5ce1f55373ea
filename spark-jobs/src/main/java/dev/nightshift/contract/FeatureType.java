package dev.nightshift.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How a feature column is typed and used: numeric and categorical feed the model, string never does. */
public enum FeatureType {
    NUMERIC("numeric"),
    CATEGORICAL("categorical"),
    STRING("string");

    private final String specName;

    FeatureType(String specName) {
        this.specName = specName;
    }

    @JsonValue
    public String specName() {
        return specName;
    }

    public boolean isModelInput() {
        return this != STRING;
    }

    @JsonCreator
    public static FeatureType fromSpecName(String name) {
        for (FeatureType t : values()) {
            if (t.specName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown feature type '" + name + "'; expected one of: numeric, categorical, string");
    }
}
