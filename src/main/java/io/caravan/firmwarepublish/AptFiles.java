package io.caravan.firmwarepublish;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Maps a request path onto a file of one repository snapshot, refusing anything outside the repository. */
final class AptFiles {

    private AptFiles() {
    }

    /**
     * The regular file {@code relative} names inside {@code snapshot} (the pool is reached through
     * the snapshot's pool symlink), or null: empty, dot or dot-dot segments, hidden files and
     * anything whose real path leaves {@code root} are not served.
     */
    static Path resolve(final Path snapshot, final Path root, final String relative) throws IOException {
        String rel = relative;
        while (rel.startsWith("/")) {
            rel = rel.substring(1);
        }
        if (rel.isEmpty() || rel.contains("\\") || rel.contains("\0")) {
            return null;
        }
        Path p = snapshot;
        for (final String segment : rel.split("/", -1)) {
            if (segment.isEmpty() || segment.startsWith(".")) {
                return null;
            }
            p = p.resolve(segment);
        }
        if (!Files.isRegularFile(p)) {
            return null;
        }
        final Path real = p.toRealPath();
        return real.startsWith(root.toRealPath()) ? real : null;
    }

    static String contentType(final Path file) {
        final String n = file.getFileName().toString();
        if (n.endsWith(".deb")) {
            return "application/vnd.debian.binary-package";
        }
        if (n.endsWith(".gz")) {
            return "application/gzip";
        }
        if (n.endsWith(".gpg")) {
            return "application/pgp-keys";
        }
        if (n.endsWith(".asc")) {
            return "text/plain; charset=utf-8";
        }
        if (n.equals("Release") || n.equals("InRelease") || n.equals("Packages") || n.equals("Release.gpg")) {
            return "text/plain; charset=utf-8";
        }
        return "application/octet-stream";
    }

    /** Indexes change with every publish; pool files and by-hash files never change. */
    static String cacheControl(final Path file) {
        final String s = file.toString();
        return s.contains("/pool/") || s.contains("/by-hash/") ? "public, max-age=86400, immutable" : "no-cache";
    }
}
