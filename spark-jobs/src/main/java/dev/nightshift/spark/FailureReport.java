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
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The error file a failed job leaves for the orchestrator: the exception chain, outermost first, one
 * {@code class: message} line per cause, no stack traces. Newlines inside a message become spaces; stack frames
 * that Spark embeds in task-failure messages are dropped, and a line is cut at {@value #MAX_LINE} characters.
 */
public final class FailureReport {

    static final int MAX_LINE = 2000;
    private static final Pattern STACK_LINE = Pattern.compile("^\\s*(at |\\.\\.\\. \\d+ more|Caused by:|Driver stacktrace:).*");

    private FailureReport() {
    }

    public static List<String> lines(Throwable failure) {
        List<String> lines = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            String message = t.getMessage() == null ? "" : t.getMessage().lines()
                    .takeWhile(l -> !STACK_LINE.matcher(l).matches())
                    .map(String::strip)
                    .filter(l -> !l.isEmpty())
                    .collect(Collectors.joining(" "));
            String line = message.isEmpty() ? t.getClass().getName() : t.getClass().getName() + ": " + message;
            lines.add(line.length() <= MAX_LINE ? line : line.substring(0, MAX_LINE - 3) + "...");
        }
        return lines;
    }

    public static void write(Path file, Throwable failure) throws IOException {
        Files.write(file, lines(failure), StandardCharsets.UTF_8);
    }
}
