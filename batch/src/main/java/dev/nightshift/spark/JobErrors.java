package dev.nightshift.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The error file a failed job leaves (one "Class: message" line per cause, outermost first), read by the submitters. */
final class JobErrors {

    private JobErrors() {
    }

    /** The non-blank lines of the file; empty when it is missing or empty. */
    static List<String> read(Path errorFile) {
        if (errorFile == null) {
            return List.of();
        }
        try {
            return Files.readAllLines(errorFile, StandardCharsets.UTF_8).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The exception class of each line. */
    static List<String> classes(List<String> lines) {
        return lines.stream().map(l -> l.contains(":") ? l.substring(0, l.indexOf(':')).strip() : l.strip()).toList();
    }
}
