package dev.nightshift.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The error file a failed job leaves for the orchestrator: the exception chain, outermost first, one
 * {@code class: message} line per cause, no stack traces. Newlines inside a message become spaces.
 */
public final class FailureReport {

    private FailureReport() {
    }

    public static List<String> lines(Throwable failure) {
        List<String> lines = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            String message = t.getMessage();
            lines.add(message == null || message.isBlank()
                    ? t.getClass().getName()
                    : t.getClass().getName() + ": " + message.strip().replaceAll("\\s*\\R\\s*", " "));
        }
        return lines;
    }

    public static void write(Path file, Throwable failure) throws IOException {
        Files.write(file, lines(failure), StandardCharsets.UTF_8);
    }
}
