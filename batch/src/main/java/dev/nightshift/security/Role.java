package dev.nightshift.security;

import java.util.List;
import java.util.Locale;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** What a token may do: each role includes the ones below it (admin > operator > viewer). */
public enum Role {
    VIEWER, OPERATOR, ADMIN;

    /** The name stored in {@code api_tokens.role} and typed on the command line. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Spring Security authorities of this role and every role it includes. */
    public List<GrantedAuthority> authorities() {
        return java.util.Arrays.stream(values()).filter(r -> r.ordinal() <= ordinal())
                .<GrantedAuthority>map(r -> new SimpleGrantedAuthority("ROLE_" + r.name())).toList();
    }

    public static Role parse(String value) {
        for (Role r : values()) {
            if (r.id().equals(value)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown role '" + value + "'; expected one of: viewer, operator, admin");
    }
}
