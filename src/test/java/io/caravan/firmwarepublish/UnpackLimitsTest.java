package io.caravan.firmwarepublish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import io.caravan.common.ProjectDir;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The limits are configurable and apply to real dpkg-deb output, to the package tree tar and to skipped bytes. */
class UnpackLimitsTest {

    private static Path dir;

    @BeforeAll
    static void workDir() throws IOException {
        dir = Files.createDirectories(ProjectDir.resolve("target/firmware-publish/limits"));
    }

    private static void expect413(final Runnable call, final String code, final String property) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(FirmwareRejected.class, e -> {
            assertThat(e.status()).as(e.getMessage()).isEqualTo(413);
            assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
            assertThat(e.getMessage()).contains(property);
            assertThat(e.toProblem().toJson()).contains("\"status\":413", property);
        });
    }

    @Test
    void eachConfiguredLimitRefusesARealPackageThatExceedsIt() throws IOException {
        final Set<String> archs = Set.of("amd64");
        final Path xz = Debs.build(dir, "fw-lim-xz", "1.0", "amd64", "xz", 1000); // dpkg-deb -Zxz: 8 MiB dictionary
        final Path gz = Debs.build(dir, "fw-lim-gz", "1.0", "amd64", "gzip", 200_000);
        assertThat(new DebPackageInspector(archs, "zstd").inspect(xz).name()).isEqualTo("fw-lim-xz");
        assertThat(new DebPackageInspector(archs, "zstd").inspect(gz).name()).isEqualTo("fw-lim-gz");

        expect413(() -> new DebPackageInspector(archs, "zstd", new UnpackLimits(1L << 30, 100, 1024)).inspect(xz), "xz-memory-limit",
                "firmware-publish.limits.xz-memory-kib");
        expect413(() -> new DebPackageInspector(archs, "zstd", new UnpackLimits(100_000, 100, 1 << 16)).inspect(gz), "unpacked-too-large",
                "firmware-publish.limits.max-unpacked-bytes");
        expect413(() -> new DebPackageInspector(archs, "zstd", new UnpackLimits(1L << 30, 4, 1 << 16)).inspect(gz), "too-many-entries",
                "firmware-publish.limits.max-tar-entries");
    }

    @Test
    void thePackageTreeOfBuildAndBumpHasTheSameLimits() throws IOException {
        final String[] control = {"DEBIAN/control", "Package: fw-tree\nArchitecture: amd64\nMaintainer: A <a@b.c>\nDescription: d\n"};
        final Path tar = Files.write(dir.resolve("tree.tar.gz"), Debs.tarGzOfZeros(300_000, control));
        final Path tree = Files.createTempDirectory(dir, "tree-");
        expect413(() -> unpack(new PackageBuilder("dpkg-deb", new UnpackLimits(200_000, 100, 1024)), tar, tree), "unpacked-too-large",
                "firmware-publish.limits.max-unpacked-bytes");
        expect413(() -> unpack(new PackageBuilder("dpkg-deb", new UnpackLimits(1 << 20, 1, 1024)), tar, tree), "too-many-entries",
                "firmware-publish.limits.max-tar-entries");
        assertThat(unpack(new PackageBuilder("dpkg-deb", new UnpackLimits(1 << 20, 2, 1024)), tar, tree).get("Package")).isEqualTo("fw-tree");
    }

    @Test
    void theDefaultsAreTheOnesTheOtherTestsSpellOut() {
        assertThat(UnpackLimits.DEFAULTS).isEqualTo(new UnpackLimits(1L << 30, 20_000, 73_728));
    }

    @Test
    void skippedBytesCountToo() throws IOException {
        final UnpackLimits.Budget budget = new UnpackLimits(1000, 1, 1024).budget();
        try (InputStream in = budget.count(new ByteArrayInputStream(new byte[5000]), "x")) {
            assertThat(in.skip(900)).isEqualTo(900);
            assertThatThrownBy(() -> in.skip(200)).isInstanceOf(FirmwareRejected.class).hasMessageContaining("more than 1000 bytes");
        }
        budget.entry("x");
        assertThatThrownBy(() -> budget.entry("x")).isInstanceOf(FirmwareRejected.class).hasMessageContaining("more than 1 tar entries");
        assertThatThrownBy(() -> new UnpackLimits(0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static ControlFields unpack(final PackageBuilder builder, final Path tar, final Path tree) {
        try {
            return builder.unpack(tar, tree);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
