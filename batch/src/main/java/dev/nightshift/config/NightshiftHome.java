package dev.nightshift.config;

import java.nio.file.Files;
import java.nio.file.Path;

/** Resolves the paths derived from {@code nightshift.home} and the installation directory. */
public final class NightshiftHome {

    private NightshiftHome() {
    }

    /** The installation (repository) root: {@code NIGHTSHIFT_INSTALL} if set, else the working directory. */
    public static Path installDir() {
        String env = System.getenv("NIGHTSHIFT_INSTALL");
        return (env == null || env.isBlank() ? Path.of("") : Path.of(env)).toAbsolutePath().normalize();
    }

    public static String warehouseUri(NightshiftProperties props) {
        String configured = props.warehouse().uri();
        if (configured != null && !configured.isBlank()) {
            return configured.contains("://") ? configured : Path.of(configured).toAbsolutePath().normalize().toUri().toString();
        }
        Path dir = props.home().toAbsolutePath().normalize().resolve("warehouse");
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create warehouse directory " + dir + ": " + e.getMessage(), e);
        }
        return dir.toUri().toString();
    }
}
