package dev.nightshift.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.annotation.JsonInclude;

/** Reads and writes the stored (JSON) form of a {@link PipelineSpec}; the same on both sides of the contract. */
public final class SpecCodec {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private SpecCodec() {
    }

    public static String toJson(PipelineSpec spec) {
        try {
            return MAPPER.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize pipeline spec " + spec.name(), e);
        }
    }

    public static PipelineSpec fromJson(String json) {
        try {
            return MAPPER.readValue(json, PipelineSpec.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("stored pipeline spec is not readable: " + e.getOriginalMessage(), e);
        }
    }
}
