package dev.nightshift.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenSecretTest {

    @Test
    void tokensAreRandomWellFormedAndMatchOnlyTheirOwnHash() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String token = TokenSecret.generate();
            assertThat(token).matches("nst_[0-9a-f]{12}_[A-Za-z0-9_-]{43}");
            assertThat(seen.add(token)).isTrue();
        }
        String token = TokenSecret.generate();
        String other = TokenSecret.generate();

        assertThat(TokenSecret.matches(token, TokenSecret.sha256(token))).isTrue();
        assertThat(TokenSecret.matches(other, TokenSecret.sha256(token))).isFalse();
        assertThat(TokenSecret.prefix(token)).hasValue(token.substring(4, 16));
        assertThat(TokenSecret.prefix("Bearer " + token)).isEmpty();
        assertThat(TokenSecret.prefix(null)).isEmpty();
        assertThat(TokenSecret.mask(token)).isEqualTo(token.substring(0, 17) + "****").doesNotContain(token.substring(17));
    }

    @Test
    void rolesIncludeTheRolesBelowThem() {
        assertThat(Role.VIEWER.authorities()).extracting(Object::toString).containsExactly("ROLE_VIEWER");
        assertThat(Role.ADMIN.authorities()).extracting(Object::toString).containsExactly("ROLE_VIEWER", "ROLE_OPERATOR", "ROLE_ADMIN");
        assertThat(Role.parse("operator")).isEqualTo(Role.OPERATOR);
    }
}
