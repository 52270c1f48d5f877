package io.caravan.common;

import java.nio.file.Files;
import java.nio.file.Path;

/** The checkout the tests run from (surefire passes it; an IDE runs from it). */
public final class ProjectDir {

    private ProjectDir() {
    }

    public static Path get() {
        final String configured = System.getProperty("caravan.project.dir");
        final Path dir = Path.of(configured != null ? configured : System.getProperty("user.dir")).toAbsolutePath();
        if (!Files.isRegularFile(dir.resolve("pom.xml"))) {
            throw new IllegalStateException("not the Caravan checkout (no pom.xml): " + dir);
        }
        return dir;
    }

    public static Path resolve(final String relative) {
        return get().resolve(relative);
    }
}
