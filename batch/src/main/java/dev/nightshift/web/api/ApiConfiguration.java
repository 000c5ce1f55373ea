package dev.nightshift.web.api;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The threads that run what the API starts, and the OpenAPI document's header. */
@Configuration(proxyBeanMethods = false)
public class ApiConfiguration {
    public static final String RUN_EXECUTOR = "apiRunExecutor";
    private static final Logger log = LoggerFactory.getLogger(ApiConfiguration.class);

    /**
     * Runs and backfills started through the API execute here, one thread each, after the request has been answered.
     * Their outcome is in the runs table; a failure that escapes a run (it could not even start) is logged here, once.
     * Shutdown waits for them through RunService's in-flight count (see GracefulShutdown).
     */
    @Bean(name = RUN_EXECUTOR, destroyMethod = "shutdown")
    ExecutorService apiRunExecutor() {
        AtomicInteger n = new AtomicInteger();
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "api-run-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setUncaughtExceptionHandler((thread, e) -> log.error("{}: {}", thread.getName(), e.getMessage(), e));
            return t;
        });
    }

    @Bean
    OpenAPI nightshiftOpenApi() {
        return new OpenAPI().info(new Info().title("Nightshift API").version("1")
                .description("Pipelines, runs, models, metrics, drift, data quality, decisions and alerts of a Nightshift "
                        + "installation; lists are paged (offset, limit, nextOffset), errors are RFC 9457 problem details."));
    }
}
