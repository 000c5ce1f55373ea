package dev.nightshift.contract;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses and renders the {@code --key=value} arguments of a Spark job; every job argument record goes through here. */
public final class JobArgs {
    private final String job;
    private final Map<String, String> values;

    private JobArgs(String job, Map<String, String> values) {
        this.job = job;
        this.values = values;
    }

    public static JobArgs parse(String job, String[] args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException(job + ": argument '" + arg + "' is not of the form --key=value");
            }
            int eq = arg.indexOf('=');
            values.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        return new JobArgs(job, values);
    }

    public String string(String key) {
        String v = values.get(key);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException(job + ": missing required argument --" + key);
        }
        return v;
    }

    public String string(String key, String defaultValue) {
        String v = values.get(key);
        return v == null || v.isEmpty() ? defaultValue : v;
    }

    public LocalDate date(String key) {
        String v = string(key);
        try {
            return LocalDate.parse(v);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(job + ": --" + key + " must be an ISO date (yyyy-mm-dd), got '" + v + "'", e);
        }
    }

    public LocalDate date(String key, LocalDate defaultValue) {
        return values.containsKey(key) ? date(key) : defaultValue;
    }

    public long longValue(String key) {
        String v = string(key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(job + ": --" + key + " must be an integer, got '" + v + "'", e);
        }
    }

    public long longValue(String key, long defaultValue) {
        return values.containsKey(key) ? longValue(key) : defaultValue;
    }

    public double doubleValue(String key, double defaultValue) {
        if (!values.containsKey(key)) {
            return defaultValue;
        }
        String v = string(key);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(job + ": --" + key + " must be a number, got '" + v + "'", e);
        }
    }

    /** Renders arguments; null values are left out. */
    public static List<String> render(Object... keyValues) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                out.add("--" + keyValues[i] + "=" + keyValues[i + 1]);
            }
        }
        return out;
    }
}
