package dev.nightshift.security;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.util.HtmlUtils;

/** {@code GET /login}: a form to paste an API token into; Spring Security's form login handles the POST. */
@Controller
class LoginPage {

    @GetMapping(value = "/login", produces = MediaType.TEXT_HTML_VALUE)
    @ResponseBody
    String login(HttpServletRequest request, CsrfToken csrf) {
        String message = request.getParameter("error") != null ? "<p role=\"alert\">That token is not valid or was revoked.</p>"
                : request.getParameter("logout") != null ? "<p>Signed out.</p>" : "";
        return """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>Nightshift: sign in</title>
                <link rel="stylesheet" href="/assets/dashboard.css"></head>
                <body>
                <main class="login">
                <h1>Nightshift</h1>
                %s
                <form method="post" action="/login">
                  <label for="token">API token</label>
                  <input id="token" name="token" type="password" autocomplete="off" required>
                  <input type="hidden" name="%s" value="%s">
                  <button type="submit">Sign in</button>
                </form>
                <p>Create a token with <code>nightshift tokens create --name NAME --role viewer</code>; from its first
                start-up <code>nightshift serve</code> keeps an admin token in its admin-token file (<code>.nightshift/admin-token</code> by default).</p>
                </main>
                </body></html>
                """.formatted(message, HtmlUtils.htmlEscape(csrf.getParameterName()), HtmlUtils.htmlEscape(csrf.getToken()));
    }
}
