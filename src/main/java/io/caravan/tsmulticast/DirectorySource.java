package io.caravan.tsmulticast;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The {@code .ts} files of a directory in name order. The directory is listed again at the end of
 * each pass, so files added meanwhile are picked up; with loop on, each new pass starts with a
 * discontinuity.
 */
public final class DirectorySource implements SegmentSource {

    private final Path dir;
    private final boolean loop;
    private List<Path> files = List.of();
    private int index;
    private boolean passDone;
    private boolean anySent;

    public DirectorySource(final Path dir, final boolean loop) {
        this.dir = dir;
        this.loop = loop;
    }

    @Override
    public Segment next() throws IOException {
        if (index >= files.size()) {
            if (anySent && !loop) {
                return END;
            }
            if (!Files.isDirectory(dir)) {
                throw new IOException("segment directory " + dir + " does not exist");
            }
            try (Stream<Path> list = Files.list(dir)) {
                files = list.filter(p -> p.getFileName().toString().endsWith(".ts")).sorted().toList();
            }
            index = 0;
            passDone = anySent;
            if (files.isEmpty()) {
                return null;
            }
        }
        final Path file = files.get(index++);
        final boolean restart = passDone && index == 1;
        anySent = true;
        return new Segment(file.getFileName().toString(), file, restart);
    }
}
