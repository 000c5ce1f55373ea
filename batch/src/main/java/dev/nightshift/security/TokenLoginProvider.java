package dev.nightshift.security;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;

/** The dashboard's login form: the pasted token (the form's {@code token} field) is the only credential. */
class TokenLoginProvider implements AuthenticationProvider {
    private final ApiTokens tokens;

    TokenLoginProvider(ApiTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        Object credentials = authentication.getCredentials();
        ApiToken token = tokens.authenticate(credentials == null ? null : credentials.toString().strip())
                .orElseThrow(() -> new BadCredentialsException("not a valid, active Nightshift API token"));
        return UsernamePasswordAuthenticationToken.authenticated(token, null, token.role().authorities());
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
