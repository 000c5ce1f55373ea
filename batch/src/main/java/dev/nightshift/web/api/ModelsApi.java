package dev.nightshift.web.api;

import dev.nightshift.security.Actors;
import dev.nightshift.pipelines.PipelineService;
import dev.nightshift.registry.ModelRegistry;
import dev.nightshift.registry.ModelVersion;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A pipeline's model versions and aliases, promotion and rollback. */
@RestController
@RequestMapping("/api/pipelines/{pipeline}")
@Tag(name = "models", description = "Model versions, aliases, promotion and rollback")
public class ModelsApi {
    private final PipelineService pipelines;
    private final ModelRegistry registry;

    public ModelsApi(PipelineService pipelines, ModelRegistry registry) {
        this.pipelines = pipelines;
        this.registry = registry;
    }

    /** An alias and the version it points at. */
    public record Alias(String alias, int version, long modelVersionId) {
    }

    /** Body of promote and rollback: why (recorded in the audit log). */
    public record Reason(String reason) {
    }

    /** What a rollback did. */
    public record RolledBack(String pipeline, int from, int to) {
    }

    @GetMapping("/models")
    @Operation(summary = "Model versions, newest first, with aliases, training window, holdout metrics and lineage")
    public Page<ModelVersion> list(@PathVariable String pipeline, @RequestParam(defaultValue = "0") int offset,
                                   @RequestParam(defaultValue = "50") int limit) {
        pipelines.current(pipeline);
        return Page.slice(registry.list(pipeline), offset, limit);
    }

    @GetMapping("/models/{version}")
    @Operation(summary = "One model version (3 or v3)")
    public ModelVersion get(@PathVariable String pipeline, @PathVariable String version) {
        return find(pipeline, version);
    }

    @GetMapping("/aliases")
    @Operation(summary = "The pipeline's aliases (champion, challenger) and their versions")
    public Page<Alias> aliases(@PathVariable String pipeline, @RequestParam(defaultValue = "0") int offset,
                               @RequestParam(defaultValue = "50") int limit) {
        pipelines.current(pipeline);
        List<Alias> all = registry.list(pipeline).stream()
                .flatMap(m -> m.aliases().stream().map(a -> new Alias(a, m.version(), m.id())))
                .sorted(java.util.Comparator.comparing(Alias::alias)).toList();
        return Page.slice(all, offset, limit);
    }

    @PostMapping("/models/{version}/promote")
    @Operation(summary = "Make a version champion (admin); audited as alias.set", description = "409 if it already is")
    public ModelVersion promote(@PathVariable String pipeline, @PathVariable String version, @RequestBody(required = false) Reason body) {
        ModelVersion m = find(pipeline, version);
        if (m.hasAlias(ModelRegistry.CHAMPION)) {
            throw new ApiErrors.ConflictException(pipeline + ": model v" + m.version() + " is already the champion");
        }
        registry.promote(pipeline, m, Actors.currentRequest(), body == null || body.reason() == null ? "promoted through the API" : body.reason());
        return registry.find(pipeline, m.version()).orElseThrow();
    }

    @PostMapping("/rollback")
    @Operation(summary = "Restore the champion the current one replaced (admin); audited",
            description = "409 if there is no champion or it replaced none")
    public RolledBack rollback(@PathVariable String pipeline, @RequestBody(required = false) Reason body) {
        pipelines.current(pipeline);
        ModelVersion current = registry.champion(pipeline).orElseThrow(() -> new ApiErrors.ConflictException(
                pipeline + " has no champion to roll back"));
        ModelVersion restored;
        try {
            restored = registry.rollback(pipeline, Actors.currentRequest(), body == null ? null : body.reason());
        } catch (IllegalArgumentException e) {
            // The registry refuses with IllegalArgumentException when the champion replaced no earlier one: a state conflict here.
            throw new ApiErrors.ConflictException(e.getMessage());
        }
        return new RolledBack(pipeline, current.version(), restored.version());
    }

    private ModelVersion find(String pipeline, String version) {
        pipelines.current(pipeline);
        String digits = version.startsWith("v") ? version.substring(1) : version;
        if (!digits.matches("[0-9]{1,9}")) {
            throw new ApiErrors.BadFieldException("version", "expected a version number like 3 or v3, got '" + version + "'");
        }
        int v = Integer.parseInt(digits);
        return registry.find(pipeline, v).orElseThrow(() -> new ApiErrors.NotFoundException(pipeline + " has no model version " + v));
    }
}
