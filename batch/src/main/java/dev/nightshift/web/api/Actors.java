package dev.nightshift.web.api;

import java.security.Principal;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Who is calling the API, as the audit log names them. The request's principal is what an authentication layer (Spring
 * Security's filters put their {@code Authentication} there) established; without one the caller is {@value #ANONYMOUS}.
 */
public final class Actors {
    public static final String ANONYMOUS = "anonymous";

    private Actors() {
    }

    /** The actor of the current HTTP request. */
    public static String current() {
        if (!(RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes)) {
            throw new IllegalStateException("Actors.current() called outside an HTTP request");
        }
        Principal principal = attributes.getRequest().getUserPrincipal();
        return principal == null || principal.getName() == null || principal.getName().isBlank() ? ANONYMOUS : principal.getName();
    }
}
