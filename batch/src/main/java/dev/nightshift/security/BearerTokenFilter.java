package dev.nightshift.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer <token>} for this request only (nothing goes into a session). A request
 * with a bearer header that is malformed, unknown or revoked ends here with a 401 problem; a request without one goes
 * on and may still be authenticated by its session.
 */
class BearerTokenFilter extends OncePerRequestFilter {
    private final ApiTokens tokens;
    private final SecurityProblems problems;

    BearerTokenFilter(ApiTokens tokens, SecurityProblems problems) {
        this.tokens = tokens;
        this.problems = problems;
    }

    static boolean hasBearer(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7);
    }

    /** A dashboard session lives on its token: once the token is revoked, the session's next request is anonymous. */
    private void endSessionOfRevokedToken(HttpServletRequest request) {
        var auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth != null && auth.getPrincipal() instanceof ApiToken token && !tokens.isActive(token.id())) {
            SecurityContextHolder.clearContext();
            var session = request.getSession(false);
            if (session != null) {
                session.invalidate();
            }
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!hasBearer(request)) {
            endSessionOfRevokedToken(request);
            chain.doFilter(request, response);
            return;
        }
        String secret = request.getHeader(HttpHeaders.AUTHORIZATION).substring(7).strip();
        Optional<ApiToken> token = tokens.authenticate(secret);
        if (token.isEmpty()) {
            SecurityContextHolder.clearContext();
            problems.write(request, response, HttpServletResponse.SC_UNAUTHORIZED, "Unauthorized",
                    "the bearer token is not a valid, active Nightshift API token");
            return;
        }
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(token.get(), null, token.get().role().authorities()));
        SecurityContextHolder.setContext(context);
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }
}
