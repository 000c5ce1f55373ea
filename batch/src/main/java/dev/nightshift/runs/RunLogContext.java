package dev.nightshift.runs;

import java.time.LocalDate;
import java.util.Map;
import org.slf4j.MDC;

/**
 * Puts a run's pipeline, id and business date into the logging MDC of the current thread while it executes the run, so
 * that every log line of the run (plain or JSON) says which run it belongs to. Closing restores what was there before.
 */
public final class RunLogContext implements AutoCloseable {
    public static final String PIPELINE = "pipeline";
    public static final String RUN_ID = "runId";
    public static final String BUSINESS_DATE = "businessDate";

    private final Map<String, String> previous;

    private RunLogContext(Map<String, String> previous) {
        this.previous = previous;
    }

    public static RunLogContext open(String pipeline, long runId, LocalDate businessDate) {
        RunLogContext context = new RunLogContext(MDC.getCopyOfContextMap());
        MDC.put(PIPELINE, pipeline);
        MDC.put(RUN_ID, Long.toString(runId));
        MDC.put(BUSINESS_DATE, businessDate.toString());
        return context;
    }

    /** Wraps a task so that it runs with the MDC of the thread that creates the wrapper (for threads a run starts). */
    public static Runnable propagate(Runnable task) {
        Map<String, String> captured = MDC.getCopyOfContextMap();
        return () -> {
            Map<String, String> before = MDC.getCopyOfContextMap();
            restore(captured);
            try {
                task.run();
            } finally {
                restore(before);
            }
        };
    }

    @Override
    public void close() {
        restore(previous);
    }

    private static void restore(Map<String, String> context) {
        if (context == null) {
            MDC.clear();
        } else {
            MDC.setContextMap(context);
        }
    }
}
