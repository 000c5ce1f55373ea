package dev.nightshift.web.api;

import dev.nightshift.pipelines.SpecException;
import dev.nightshift.pipelines.UnknownPipelineException;
import dev.nightshift.runs.RunRefusedException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/** Maps the domain's refusals to RFC 9457 problem details with a status that says what kind of refusal it is. */
@RestControllerAdvice(basePackageClasses = ApiErrors.class)
@org.springframework.core.annotation.Order(org.springframework.core.Ordered.HIGHEST_PRECEDENCE) // before Boot's generic problem details
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

    @ExceptionHandler(ConflictException.class)
    ProblemDetail conflict(ConflictException e) {
        return problem(HttpStatus.CONFLICT, "Conflict", e.getMessage());
    }

    @ExceptionHandler(SpecException.class)
    ProblemDetail invalidSpec(SpecException e) {
        ProblemDetail p = problem(HttpStatus.UNPROCESSABLE_CONTENT, "Invalid pipeline spec", e.getMessage());
        p.setProperty("problems", e.problems());
        return p;
    }

    @ExceptionHandler(BadFieldException.class)
    ProblemDetail badField(BadFieldException e) {
        ProblemDetail p = problem(HttpStatus.BAD_REQUEST, "Bad request", e.getMessage());
        p.setProperty("field", e.field());
        return p;
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ProblemDetail badParameter(MethodArgumentTypeMismatchException e) {
        String expected = e.getRequiredType() == null ? "a valid value" : switch (e.getRequiredType().getSimpleName()) {
            case "LocalDate" -> "a date YYYY-MM-DD";
            case "int", "Integer", "long", "Long" -> "an integer";
            case "boolean", "Boolean" -> "true or false";
            default -> "a " + e.getRequiredType().getSimpleName();
        };
        ProblemDetail p = problem(HttpStatus.BAD_REQUEST, "Bad request",
                "parameter '" + e.getName() + "': expected " + expected + ", got '" + e.getValue() + "'");
        p.setProperty("field", e.getName());
        return p;
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ProblemDetail missingParameter(MissingServletRequestParameterException e) {
        ProblemDetail p = problem(HttpStatus.BAD_REQUEST, "Bad request", "parameter '" + e.getParameterName() + "' is required");
        p.setProperty("field", e.getParameterName());
        return p;
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ProblemDetail unreadable(HttpMessageNotReadableException e) {
        Throwable cause = e.getMostSpecificCause();
        String detail = cause.getMessage() == null ? e.getMessage() : cause.getMessage();
        // Jackson appends the source location and a long reference chain: keep the first line, which names the problem.
        detail = detail.lines().findFirst().orElse(detail);
        String field = null;
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof tools.jackson.core.JacksonException bad && !bad.getPath().isEmpty()) {
                field = bad.getPath().stream().map(r -> r.getPropertyName() != null ? r.getPropertyName() : "[" + r.getIndex() + "]")
                        .collect(java.util.stream.Collectors.joining("."));
                break;
            }
        }
        ProblemDetail p = problem(HttpStatus.BAD_REQUEST, "Unreadable request body",
                "request body" + (field == null ? "" : ", field '" + field + "'") + ": " + detail);
        if (field != null) {
            p.setProperty("field", field);
        }
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

    /** A request that is well-formed but conflicts with the current state (nothing to roll back to, already champion). */
    public static class ConflictException extends RuntimeException {
        public ConflictException(String message) {
            super(message);
        }
    }

    /** A request field or parameter with a missing or wrong value; the problem names the field. */
    public static class BadFieldException extends RuntimeException {
        private final String field;

        public BadFieldException(String field, String message) {
            super("field '" + field + "': " + message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }
}
