package dev.nightshift.web.api;

import dev.nightshift.security.Actors;
import dev.nightshift.security.ApiToken;
import dev.nightshift.security.ApiTokens;
import dev.nightshift.security.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** API tokens, for admins (the same operations as {@code nightshift tokens}); every change is audited with its actor. */
@RestController
@RequestMapping("/api/tokens")
@Tag(name = "tokens", description = "API tokens (admin only): create, list, revoke")
public class TokensApi {
    private final ApiTokens tokens;

    public TokensApi(ApiTokens tokens) {
        this.tokens = tokens;
    }

    /** Body of a token creation. */
    public record NewToken(String name, String role) {
    }

    /** A created token: the only time its secret is shown. */
    public record CreatedToken(ApiToken token, String secret) {
    }

    @GetMapping
    @Operation(summary = "Every token with role, public prefix, creation, last use and revocation; never the secret")
    public Page<ApiToken> list(@RequestParam(defaultValue = "0") int offset, @RequestParam(defaultValue = "50") int limit) {
        return Page.slice(tokens.list(), offset, limit);
    }

    @PostMapping
    @Operation(summary = "Create a token (role viewer, operator or admin); the answer holds its secret, shown only this once")
    public ResponseEntity<CreatedToken> create(@RequestBody NewToken body) {
        if (body == null || body.name() == null || body.name().isBlank()) {
            throw new ApiErrors.BadFieldException("name", "a token name is required");
        }
        if (body.role() == null) {
            throw new ApiErrors.BadFieldException("role", "expected one of: viewer, operator, admin");
        }
        Role role;
        try {
            role = Role.parse(body.role());
        } catch (IllegalArgumentException e) {
            throw new ApiErrors.BadFieldException("role", e.getMessage());
        }
        if (tokens.find(body.name()).isPresent()) {
            throw new ApiErrors.ConflictException("an active token named '" + body.name() + "' exists; revoke it first");
        }
        ApiTokens.Created created = tokens.create(body.name(), role, Actors.currentRequest());
        return ResponseEntity.created(URI.create("/api/tokens/" + body.name())).body(new CreatedToken(created.token(), created.secret()));
    }

    @DeleteMapping("/{name}")
    @Operation(summary = "Revoke the active token of that name: its next request is refused, its dashboard sessions end")
    public ApiToken revoke(@PathVariable String name) {
        if (tokens.find(name).isEmpty()) {
            throw new ApiErrors.NotFoundException("no active token named '" + name + "'");
        }
        return tokens.revoke(name, Actors.currentRequest());
    }
}
