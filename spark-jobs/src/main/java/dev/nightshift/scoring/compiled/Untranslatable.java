package dev.nightshift.scoring.compiled;

/** Thrown while compiling a stage that has no Spark SQL translation; the whole model then goes to MLlib. */
final class Untranslatable extends Exception {

    Untranslatable(String reason) {
        super(reason);
    }
}
