package dev.nightshift.security;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/** Actor names of the audit log: {@code token:<name>} over HTTP, {@code cli:<os user>}, {@code scheduler}. */
public final class Actors {
    public static final String SCHEDULER = "scheduler";

    private Actors() {
    }

    /** The operating-system user running the command line. */
    public static String cli() {
        return "cli:" + System.getProperty("user.name", "unknown");
    }

    /** The authenticated token of the current HTTP request. */
    public static String currentRequest() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth != null && auth.getPrincipal() instanceof ApiToken token) {
            return token.actor();
        }
        throw new IllegalStateException("no authenticated API token in this request");
    }
}
