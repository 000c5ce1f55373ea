package dev.nightshift.runs;

/** A run that may not start now: the same pipeline and date is active, or already completed without --rerun. */
public class RunRefusedException extends RuntimeException {
    public RunRefusedException(String message) {
        super(message);
    }
}
