package io.caravan.firmwarepublish;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.caravan.common.ProjectDir;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A publishing process killed with SIGKILL in the middle of a publish (while its staging snapshot
 * exists) leaves a repository that apt still reads and verifies, and the next start recovers.
 */
class KillDuringPublishTest {

    @Test
    void killedMidPublishLeavesAValidRepositoryAndTheNextStartRecovers() throws Exception {
        final Path work = Files.createDirectories(ProjectDir.resolve("target/fp/kill-" + UUID.randomUUID().toString().substring(0, 8)));
        final Path root = work.resolve("repo");
        try (AptRepository repo = AptRepositoryTest.open(work)) {
            repo.publish(new DebPackageInspector(java.util.Set.of("amd64"), "zstd")
                    .inspect(Debs.build(work.resolve("debs"), "fw-kill", "1", "amd64", "gzip", 1000)));
        }
        int leftovers = 0;
        int next = 2;
        for (int round = 0; round < 5 && leftovers == 0; round++) {
            final Process child = startChild(work, next);
            try {
                Awaitility.await("child publishing").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                        .until(() -> Files.exists(work.resolve("loop.started")) || !child.isAlive());
                assertThat(child.isAlive()).as("child alive; log: %s", log(work)).isTrue();
                // SIGKILL exactly while a staging snapshot is being written
                Awaitility.await("a publish in progress").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(1))
                        .until(() -> !staging(root).isEmpty());
                child.destroyForcibly();
                assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            } finally {
                child.destroyForcibly();
            }
            Files.deleteIfExists(work.resolve("loop.started"));
            leftovers = staging(root).size();

            // the previous repository is intact for apt, with signatures checked
            try (RepoHttpServer http = new RepoHttpServer(root)) {
                final Path snapshot = root.resolve("current").toRealPath();
                final IsolatedApt apt = new IsolatedApt(work.resolve("apt-" + round), http.url(), "stable",
                        snapshot.resolve("caravan-firmware.gpg"));
                final IsolatedApt.Result update = apt.run("update");
                assertThat(update.exit()).as(update.output()).isZero();
                assertThat(update.output()).doesNotContain("E:", "W:");
                final IsolatedApt.Result simulate = apt.run("install", "--simulate", "fw-kill");
                assertThat(simulate.exit()).as(simulate.output()).isZero();
                assertThat(simulate.output()).contains("Inst fw-kill (");
            }

            // the next start recovers: no staging left, a new publish goes through
            try (AptRepository repo = AptRepositoryTest.open(work)) {
                assertThat(staging(root)).isEmpty();
                final int latest = Integer.parseInt(repo.latest("fw-kill", "amd64").orElseThrow().toString());
                next = latest + 1000;
                final Path deb = Files.write(work.resolve("next.deb"),
                        Debs.handmade("2.0\n", "control.tar.gz", Debs.control("fw-kill", String.valueOf(next), "amd64"), true));
                assertThat(repo.publish(new DebPackageInspector(java.util.Set.of("amd64"), "zstd").inspect(deb)).published()).isTrue();
                next++;
            }
        }
        assertThat(leftovers).as("a kill landed while a staging snapshot existed").isPositive();
    }

    private static List<Path> staging(final Path root) throws IOException {
        final List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, ".staging-*")) {
            ds.forEach(found::add);
        }
        return found;
    }

    private static Process startChild(final Path work, final int firstVersion) throws IOException {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"), PublishLoopMain.class.getName(),
                work.toString(), "fw-kill", String.valueOf(firstVersion))
                .redirectErrorStream(true).redirectOutput(work.resolve("child.log").toFile()).start();
    }

    private static String log(final Path work) throws IOException {
        final Path log = work.resolve("child.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }
}
