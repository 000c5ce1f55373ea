package dev.nightshift.security;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Security of {@code nightshift serve}: {@code adminTokenFile} holds the admin API token (default
 * {@code <nightshift.home>/admin-token}; created with mode 0600 when missing).
 */
@ConfigurationProperties("nightshift.security")
public record SecurityProperties(Path adminTokenFile) {

    public Path adminTokenFile(Path home) {
        return adminTokenFile != null ? adminTokenFile : home.resolve("admin-token");
    }
}
