package dev.nightshift.input;

/** A night's input does not have the shape the pipeline spec and its model require. */
public class InputValidationException extends IllegalArgumentException {
    public InputValidationException(String message) {
        super(message);
    }

    public InputValidationException(String message, Throwable cause) {
        super(message, cause);
    }
}
