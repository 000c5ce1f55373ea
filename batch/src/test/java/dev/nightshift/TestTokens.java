package dev.nightshift;

import dev.nightshift.security.ApiTokens;
import dev.nightshift.security.Role;
import java.net.http.HttpRequest;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * API tokens for tests that call the HTTP side: one token per role per application context, created on first use
 * (named {@code test-<role>-<random>} because test contexts can share one database).
 * {@code TestTokens.authorize(builder, tokens, Role.VIEWER)} adds the {@code Authorization: Bearer} header.
 */
public final class TestTokens {
    private static final Map<ApiTokens, Map<Role, String>> TOKENS = new ConcurrentHashMap<>();

    private TestTokens() {
    }

    /** The secret of this context's test token with that role. */
    public static String token(ApiTokens tokens, Role role) {
        Map<Role, String> byRole = TOKENS.computeIfAbsent(tokens, t -> new EnumMap<>(Role.class));
        synchronized (byRole) {
            return byRole.computeIfAbsent(role, r -> tokens.create("test-" + r.id() + "-" + UUID.randomUUID().toString().substring(0, 8),
                    r, "test").secret());
        }
    }

    /** The request with {@code Authorization: Bearer <token of that role>}. */
    public static HttpRequest.Builder authorize(HttpRequest.Builder request, ApiTokens tokens, Role role) {
        return request.header("Authorization", "Bearer " + token(tokens, role));
    }
}
