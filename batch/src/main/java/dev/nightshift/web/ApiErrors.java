package dev.nightshift.web;

import dev.nightshift.pipelines.SpecException;
import dev.nightshift.pipelines.UnknownPipelineException;
import dev.nightshift.runs.RunRefusedException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Maps the domain's refusals to RFC 9457 problem details with a status that says what kind of refusal it is. */
@RestControllerAdvice(assignableTypes = ApiController.class)
public class ApiErrors {

    @ExceptionHandler(UnknownPipelineException.class)
    ProblemDetail unknownPipeline(UnknownPipelineException e) {
        return problem(HttpStatus.NOT_FOUND, "Unknown pipeline", e.getMessage());
    }

    @ExceptionHandler(NotFoundException.class)
    ProblemDetail notFound(NotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "Not found", e.getMessage());
    }

    @ExceptionHandler(RunRefusedException.class)
    ProblemDetail refused(RunRefusedException e) {
        return problem(HttpStatus.CONFLICT, "Run refused", e.getMessage());
    }

    @ExceptionHandler(SpecException.class)
    ProblemDetail invalidSpec(SpecException e) {
        ProblemDetail p = problem(HttpStatus.UNPROCESSABLE_CONTENT, "Invalid pipeline spec", e.getMessage());
        p.setProperty("problems", e.problems());
        return p;
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail badRequest(IllegalArgumentException e) {
        return problem(HttpStatus.BAD_REQUEST, "Bad request", e.getMessage());
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setTitle(title);
        return p;
    }

    /** A resource named in the path that does not exist. */
    public static class NotFoundException extends RuntimeException {
        public NotFoundException(String message) {
            super(message);
        }
    }
}
