package dev.nightshift.backfill;

import dev.nightshift.pipelines.PipelineService;
import dev.nightshift.runs.RunRecord;
import dev.nightshift.runs.RunRefusedException;
import dev.nightshift.runs.RunRepository;
import dev.nightshift.runs.RunRequest;
import dev.nightshift.runs.RunService;
import dev.nightshift.runs.RunTrigger;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.springframework.stereotype.Service;

/**
 * Runs a range of business dates of one pipeline, oldest first, up to {@code parallel} at a time. Completed dates are
 * skipped unless re-run explicitly, failed ones are restarted at their failed step; so an interrupted backfill
 * resumes by running the same command again.
 */
@Service
public class BackfillService {
    private final RunService runService;
    private final RunRepository runs;
    private final PipelineService pipelines;

    public BackfillService(RunService runService, RunRepository runs, PipelineService pipelines) {
        this.runService = runService;
        this.runs = runs;
        this.pipelines = pipelines;
    }

    /** What happened to one date. */
    public record DateOutcome(LocalDate date, String outcome, RunRecord run, String message) {
    }

    public List<DateOutcome> run(String pipeline, LocalDate from, LocalDate to, int parallel, boolean rerun, String actor,
                                 Consumer<DateOutcome> progress) {
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("--to " + to + " is before --from " + from);
        }
        if (parallel < 1) {
            throw new IllegalArgumentException("--parallel must be at least 1, got " + parallel);
        }
        pipelines.current(pipeline);
        List<LocalDate> dates = from.datesUntil(to.plusDays(1)).toList();
        ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
            Thread t = new Thread(r, "backfill-" + pipeline);
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<DateOutcome>> futures = new ArrayList<>();
            for (LocalDate date : dates) {
                futures.add(pool.submit(() -> {
                    DateOutcome outcome = runOne(pipeline, date, rerun, actor);
                    progress.accept(outcome);
                    return outcome;
                }));
            }
            List<DateOutcome> out = new ArrayList<>();
            for (Future<DateOutcome> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("backfill of " + pipeline + " interrupted; run the same command again to resume", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("backfill of " + pipeline + " stopped: " + e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private DateOutcome runOne(String pipeline, LocalDate date, boolean rerun, String actor) {
        Optional<RunRecord> last = runs.latest(pipeline, date);
        if (!rerun && last.isPresent() && last.get().completed()) {
            return new DateOutcome(date, "SKIPPED", last.get(), "already completed (run " + last.get().id() + ")");
        }
        try {
            RunRecord run = runService.run(new RunRequest(pipeline, date, RunTrigger.BACKFILL, rerun, actor));
            return new DateOutcome(date, run.status(), run, run.completed() ? null : run.error());
        } catch (RunRefusedException e) {
            return new DateOutcome(date, "REFUSED", null, e.getMessage());
        }
    }
}
