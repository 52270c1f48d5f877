package io.caravan.firmwarepublish;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Child process of {@link KillDuringPublishTest}: opens the repository in {@code args[0]} and
 * publishes versions {@code args[2]}, {@code args[2]+1}, ... of package {@code args[1]} as fast as it
 * can, until it is killed.
 */
public final class PublishLoopMain {

    private PublishLoopMain() {
    }

    public static void main(final String[] args) throws Exception {
        final Path work = Path.of(args[0]);
        final String name = args[1];
        int version = Integer.parseInt(args[2]);
        final DebPackageInspector inspector = new DebPackageInspector(java.util.Set.of("amd64", "arm64", "all"), "zstd");
        final Path debs = Files.createDirectories(work.resolve("loop-debs"));
        try (AptRepository repo = AptRepositoryTest.open(work)) {
            Files.writeString(work.resolve("loop.started"), "started");
            while (true) {
                final Path deb = Files.write(debs.resolve(name + "-" + version + ".deb"),
                        Debs.handmade("2.0\n", "control.tar.gz", Debs.control(name, String.valueOf(version), "amd64"), true));
                repo.publish(inspector.inspect(deb));
                Files.delete(deb);
                version++;
            }
        }
    }
}
