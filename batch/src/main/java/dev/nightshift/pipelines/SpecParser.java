package dev.nightshift.pipelines;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.nightshift.contract.PipelineSpec;
import java.util.List;
import java.util.stream.Collectors;

/** Reads a pipeline spec from YAML, refusing unknown keys and wrong types with the field's path. */
public final class SpecParser {

    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
            .configure(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY, false);

    private final SpecValidator validator = new SpecValidator();

    /** Parses and validates; {@code source} (usually the file name) prefixes every message. */
    public PipelineSpec parse(String source, String text) {
        PipelineSpec spec;
        try {
            spec = yaml.readValue(text, PipelineSpec.class);
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "));
            throw new SpecException(source, List.of(at(e) + "unknown key '" + e.getPropertyName()
                    + "'; expected one of: " + known));
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new SpecException(source, List.of(at(e) + cause.getMessage()));
        } catch (InvalidFormatException e) {
            throw new SpecException(source, List.of(at(e) + "value '" + e.getValue() + "' is not a valid "
                    + friendlyType(e.getTargetType())));
        } catch (MismatchedInputException e) {
            throw new SpecException(source, List.of(at(e) + "expected " + friendlyType(e.getTargetType())));
        } catch (JsonMappingException e) {
            throw new SpecException(source, List.of(at(e) + e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr() + ": ";
            throw new SpecException(source, List.of(where + "not valid YAML: " + e.getOriginalMessage()));
        }
        if (spec == null) {
            throw new SpecException(source, List.of("the file is empty; expected a pipeline spec"));
        }
        List<String> problems = validator.validate(spec);
        if (!problems.isEmpty()) {
            throw new SpecException(source, problems);
        }
        return spec;
    }

    private static String at(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        String location = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
        return path.isEmpty() ? "" : "field '" + path + "'" + location + ": ";
    }

    private static String friendlyType(Class<?> type) {
        if (type == null) {
            return "value";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class) {
            return "number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "boolean (true or false)";
        }
        if (List.class.isAssignableFrom(type)) {
            return "list";
        }
        if (java.util.Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "mapping (key: value pairs)";
        }
        if (type == String.class) {
            return "string";
        }
        if (type.isEnum()) {
            return type.getSimpleName() + " name";
        }
        return type.getSimpleName();
    }
}
