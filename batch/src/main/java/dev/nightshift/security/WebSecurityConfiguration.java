package dev.nightshift.security;

import dev.nightshift.config.NightshiftProperties;
import jakarta.servlet.DispatcherType;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatchers;

/**
 * Who may call what on {@code nightshift serve}. The API takes {@code Authorization: Bearer <token>} (no session, no
 * CSRF: a browser cannot be made to send that header cross-site); the dashboard signs in at {@code /login} with a
 * pasted token and then uses a session, whose forms carry a CSRF token. Rules by path and method, so that endpoints
 * added later are covered: operator runs, backfills, retrains, pauses and resumes; admin promotes, rolls back,
 * applies specs, manages tokens and anything else that changes state under {@code /api}; viewer reads.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableWebSecurity
@EnableConfigurationProperties(SecurityProperties.class)
public class WebSecurityConfiguration {
    /** Inline styles are allowed (the charts are inline SVG with style attributes, the run report is self-contained); scripts are not. */
    static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self';"
            + " object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    @Bean
    SecurityFilterChain nightshiftSecurity(HttpSecurity http, ApiTokens tokens) throws Exception {
        SecurityProblems problems = new SecurityProblems();
        RequestMatcher api = RequestMatchers.anyOf(path("/api/**"), path("/v3/api-docs"), path("/v3/api-docs/**"),
                path("/actuator/**"));
        RequestMatcher bearer = BearerTokenFilter::hasBearer;
        // Without a session nothing but a bearer token can authenticate an API call, so there is nothing to forge:
        // such a call gets its 401 instead of a CSRF 403. The login form keeps its CSRF check (no login CSRF).
        RequestMatcher sessionlessApi = RequestMatchers.allOf(path("/api/**"), r -> r.getSession(false) == null);
        http
                .authenticationProvider(new TokenLoginProvider(tokens))
                .addFilterBefore(new BearerTokenFilter(tokens, problems), UsernamePasswordAuthenticationFilter.class)
                .authorizeHttpRequests(a -> a
                        .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                        .requestMatchers("/login", "/assets/**", "/favicon.ico", "/error", "/actuator/health", "/actuator/health/**").permitAll()
                        .requestMatchers(HttpMethod.POST, "/api/pipelines/*/runs", "/api/pipelines/*/backfills",
                                "/api/pipelines/*/retrain", "/api/pipelines/*/pause", "/api/pipelines/*/resume").hasRole("OPERATOR")
                        .requestMatchers(HttpMethod.POST, "/api/pipelines/*/models/*/promote", "/api/pipelines/*/rollback").hasRole("ADMIN")
                        .requestMatchers(HttpMethod.PUT, "/api/pipelines/*").hasRole("ADMIN")
                        .requestMatchers("/api/tokens", "/api/tokens/**").hasRole("ADMIN")
                        .requestMatchers(HttpMethod.GET, "/api/**").hasRole("VIEWER")
                        .requestMatchers(HttpMethod.HEAD, "/api/**").hasRole("VIEWER")
                        .requestMatchers("/api/**").hasRole("ADMIN")
                        .requestMatchers(HttpMethod.POST, "/logout").authenticated()
                        .anyRequest().hasRole("VIEWER"))
                .formLogin(f -> f.loginPage("/login").usernameParameter("name").passwordParameter("token")
                        .defaultSuccessUrl("/", false).failureUrl("/login?error"))
                .logout(l -> l.logoutSuccessUrl("/login?logout"))
                .csrf(c -> c.ignoringRequestMatchers(bearer, sessionlessApi))
                .exceptionHandling(e -> e
                        .defaultAuthenticationEntryPointFor(problems, RequestMatchers.anyOf(api, bearer))
                        .defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint("/login"), r -> true)
                        .accessDeniedHandler(problems))
                .headers(h -> h
                        .contentSecurityPolicy(c -> c.policyDirectives(CSP))
                        .frameOptions(f -> f.deny())
                        .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER)));
        return http.build();
    }

    @Bean
    AdminTokenBootstrap adminTokenBootstrap(ApiTokens tokens, NightshiftProperties nightshift, SecurityProperties security,
                                            org.springframework.jdbc.core.simple.JdbcClient jdbc,
                                            org.springframework.transaction.PlatformTransactionManager transactionManager) {
        return new AdminTokenBootstrap(tokens, nightshift, security, jdbc,
                new org.springframework.transaction.support.TransactionTemplate(transactionManager));
    }

    /** The admin token exists before the web server starts: after every singleton (and Flyway), before the lifecycle starts. */
    @Bean
    SmartInitializingSingleton ensureAdminToken(AdminTokenBootstrap bootstrap) {
        return bootstrap::ensure;
    }

    private static RequestMatcher path(String pattern) {
        return PathPatternRequestMatcher.withDefaults().matcher(pattern);
    }
}
