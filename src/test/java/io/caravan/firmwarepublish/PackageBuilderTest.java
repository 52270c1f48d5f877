package io.caravan.firmwarepublish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import io.caravan.common.ProjectDir;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Build-and-bump's tree tar with the default limits: a gzip bomb or a flood of entries is refused, not unpacked onto the disk. */
class PackageBuilderTest {

    private static final String[] CONTROL = {"DEBIAN/control",
        "Package: fw-tree\nArchitecture: amd64\nMaintainer: Caravan Firmware Team <firmware@caravan.example>\nDescription: d\n"};

    /** The defaults of {@link UnpackLimits} (spelled out so that this test also compiles, and fails, against the code before them). */
    private static final long DEFAULT_MAX_UNPACKED = 1L << 30;
    private static final int DEFAULT_MAX_ENTRIES = 20_000;

    private Path dir;

    @BeforeEach
    void workDir() throws IOException {
        dir = Files.createDirectories(ProjectDir.resolve("target/fp/builder-" + UUID.randomUUID().toString().substring(0, 8)));
    }

    @Test
    void aGzipBombOfZerosStopsAtTheUnpackedByteLimit() throws IOException {
        final Path tar = Files.write(dir.resolve("bomb.tar.gz"), Debs.tarGzOfZeros(DEFAULT_MAX_UNPACKED + (1 << 20), CONTROL));
        assertThat(Files.size(tar)).isLessThan(16L << 20);
        final Path tree = Files.createDirectories(dir.resolve("tree"));
        try {
            assertThatThrownBy(() -> new PackageBuilder("dpkg-deb").unpack(tar, tree)).isInstanceOfSatisfying(FirmwareRejected.class, e -> {
                assertThat(e.status()).isEqualTo(413);
                assertThat(e.code()).isEqualTo("unpacked-too-large");
                assertThat(e.getMessage()).contains("the package tree tar unpacks to more than 1073741824 bytes",
                        "firmware-publish.limits.max-unpacked-bytes");
            });
        } finally {
            AptRepository.deleteTree(tree);
        }
    }

    @Test
    void aTarWithTooManyEntriesIsRefused() throws IOException {
        final Path tar = Files.write(dir.resolve("entries.tar.gz"), Debs.tarGzOfEntries(DEFAULT_MAX_ENTRIES, CONTROL));
        final Path tree = Files.createDirectories(dir.resolve("tree"));
        try {
            assertThatThrownBy(() -> new PackageBuilder("dpkg-deb").unpack(tar, tree)).isInstanceOfSatisfying(FirmwareRejected.class, e -> {
                assertThat(e.status()).isEqualTo(413);
                assertThat(e.code()).isEqualTo("too-many-entries");
                assertThat(e.getMessage()).contains("more than 20000 tar entries (limit firmware-publish.limits.max-tar-entries)");
            });
        } finally {
            AptRepository.deleteTree(tree);
        }
    }
}
