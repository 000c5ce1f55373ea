package dev.nightshift.web.dashboard;

import dev.nightshift.pipelines.UnknownPipelineException;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.servlet.ModelAndView;

/** A dashboard page about something that does not exist, or asked for badly, is an HTML page saying so with its status. */
@ControllerAdvice(assignableTypes = DashboardController.class)
public class DashboardErrors {

    @ExceptionHandler({UnknownPipelineException.class, NotFound.class})
    ModelAndView notFound(RuntimeException e) {
        return page(HttpStatus.NOT_FOUND, "Not found", e.getMessage());
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ModelAndView badRequest(IllegalArgumentException e) {
        return page(HttpStatus.BAD_REQUEST, "Bad request", e.getMessage());
    }

    private static ModelAndView page(HttpStatus status, String title, String message) {
        ModelAndView mv = new ModelAndView("dashboard/error");
        mv.setStatus(status);
        mv.addObject("title", title);
        mv.addObject("message", message);
        return mv;
    }

    /** A run, report or other resource named in the path that does not exist. */
    public static class NotFound extends RuntimeException {
        public NotFound(String message) {
            super(message);
        }
    }
}
