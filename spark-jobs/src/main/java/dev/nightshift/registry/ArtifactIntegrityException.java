package dev.nightshift.registry;

/** A model artifact does not match the manifest the registry recorded for it; the model must not be loaded. */
public class ArtifactIntegrityException extends IllegalStateException {
    public ArtifactIntegrityException(String message) {
        super(message);
    }
}
