package dev.nightshift.cli;

/** Exit codes of the nightshift command. */
public final class CliExitCodes {
    public static final int OK = 0;
    /** A run or command failed while doing its work (a Spark job failed, the database is unreachable, ...). */
    public static final int FAILED = 1;
    /** The command line itself is wrong (picocli's convention). */
    public static final int USAGE = 2;
    /** Input refused: an invalid spec, an unknown pipeline, a bad date. */
    public static final int INVALID_INPUT = 3;
    /** A run refused: the same pipeline and date is active, or completed and --rerun was not given. */
    public static final int REFUSED = 4;

    private CliExitCodes() {
    }
}
