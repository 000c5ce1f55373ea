package dev.nightshift.pipelines;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.SpecCodec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/**
 * Field-by-field differences between two pipeline specs, after defaults are applied (so a default written out
 * explicitly is no change). Paths read like the YAML: {@code model.params.maxDepth: 4 -> 6}, {@code features[name=plan]}.
 */
public final class SpecDiff {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SpecDiff() {
    }

    public static List<String> diff(PipelineSpec from, PipelineSpec to) {
        List<String> out = new ArrayList<>();
        walk("", tree(from), tree(to), out);
        return out;
    }

    private static JsonNode tree(PipelineSpec spec) {
        try {
            return JSON.readTree(SpecCodec.toJson(spec));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("spec " + spec.name() + " does not serialize to JSON", e);
        }
    }

    private static void walk(String path, JsonNode a, JsonNode b, List<String> out) {
        if (a == null || a.isMissingNode() || a.isNull()) {
            if (b != null && !b.isMissingNode() && !b.isNull()) {
                out.add(path + ": (absent) -> " + b);
            }
            return;
        }
        if (b == null || b.isMissingNode() || b.isNull()) {
            out.add(path + ": " + a + " -> (absent)");
            return;
        }
        if (a.isObject() && b.isObject()) {
            TreeSet<String> keys = new TreeSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                walk(path.isEmpty() ? k : path + "." + k, a.get(k), b.get(k), out);
            }
        } else if (a.isArray() && b.isArray() && byName(a) && byName(b)) {
            // features are matched by name, so inserting one does not report every later one as changed
            TreeSet<String> names = new TreeSet<>();
            a.forEach(n -> names.add(n.get("name").asText()));
            b.forEach(n -> names.add(n.get("name").asText()));
            for (String name : names) {
                walk(path + "[name=" + name + "]", find(a, name), find(b, name), out);
            }
        } else if (!a.equals(b)) {
            out.add(path + ": " + a + " -> " + b);
        }
    }

    private static boolean byName(JsonNode array) {
        for (JsonNode n : array) {
            if (!n.isObject() || !n.hasNonNull("name")) {
                return false;
            }
        }
        return true;
    }

    private static JsonNode find(JsonNode array, String name) {
        for (Iterator<JsonNode> it = array.elements(); it.hasNext(); ) {
            JsonNode n = it.next();
            if (name.equals(n.get("name").asText())) {
                return n;
            }
        }
        return null;
    }
}
