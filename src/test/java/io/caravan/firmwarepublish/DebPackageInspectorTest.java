package io.caravan.firmwarepublish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import io.caravan.common.ProjectDir;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Validation of .deb files: real dpkg-deb output is accepted, every broken input is named. */
class DebPackageInspectorTest {

    /** The defaults of {@link UnpackLimits} (spelled out so that this test also compiles, and fails, against the code before them). */
    private static final long DEFAULT_MAX_UNPACKED = 1L << 30;
    private static final int DEFAULT_MAX_ENTRIES = 20_000;

    private static Path dir;
    private final DebPackageInspector inspector = new DebPackageInspector(Set.of("amd64", "arm64", "all"), "zstd");

    @BeforeAll
    static void workDir() throws IOException {
        dir = Files.createDirectories(ProjectDir.resolve("target/firmware-publish/inspector"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "xz", "zstd", "none"})
    void acceptsWhatDpkgDebBuilds(final String compression) throws IOException {
        final Path deb = Debs.build(dir, "fw-" + compression, "1:2.3.4~rc1-1", "arm64", compression, 5000);
        final DebPackage pkg = inspector.inspect(deb);
        assertThat(pkg.name()).isEqualTo("fw-" + compression);
        assertThat(pkg.version()).hasToString("1:2.3.4~rc1-1");
        assertThat(pkg.architecture()).isEqualTo("arm64");
        assertThat(pkg.size()).isEqualTo(Files.size(deb));
        final String sha = Debs.run(List.of("sha256sum", deb.toString())).split(" ")[0];
        assertThat(pkg.sha256()).isEqualTo(sha);
        assertThat(pkg.md5()).isEqualTo(Debs.run(List.of("md5sum", deb.toString())).split(" ")[0]);
        assertThat(pkg.poolFileName()).isEqualTo("fw-" + compression + "_2.3.4~rc1-1_arm64.deb");
        assertThat(pkg.control().get("Description")).startsWith("test firmware").contains("\n Built by");
    }

    @Test
    void handmadePackageIsAcceptedByUsAndByDpkg() throws IOException {
        final Path deb = write("handmade.deb", Debs.handmade("2.0\n", "control.tar.gz", Debs.control("hand", "1.0", "all"), true));
        assertThat(inspector.inspect(deb).name()).isEqualTo("hand");
        assertThat(Debs.run(List.of("dpkg-deb", "--field", deb.toString(), "Package"))).isEqualTo("hand\n");
    }

    @Test
    void rejectsAFileThatIsNotAnArArchive() throws IOException {
        expect(() -> inspector.inspect(write("text.deb", "hello, not a package".getBytes(StandardCharsets.UTF_8))),
                400, "not-a-deb", "not an ar archive");
        expect(() -> inspector.inspect(write("empty.deb", new byte[0])), 400, "not-a-deb", "not an ar archive");
    }

    @Test
    void rejectsATruncatedPackage() throws IOException {
        final byte[] full = Files.readAllBytes(Debs.build(dir, "trunc", "1.0", "amd64", "xz", 20000));
        for (final int keep : new int[] {30, 100, full.length / 2, full.length - 1}) {
            expect(() -> inspector.inspect(write("trunc-" + keep + ".deb", Arrays.copyOf(full, keep))), 400, "truncated", "truncated");
        }
    }

    @Test
    void rejectsACorruptPayload() throws IOException {
        final byte[] full = Files.readAllBytes(Debs.build(dir, "corrupt", "1.0", "amd64", "gzip", 20000));
        final byte[] bad = full.clone();
        for (int i = full.length - 2000; i < full.length - 1000; i++) {
            bad[i] ^= 0x5a;
        }
        expect(() -> inspector.inspect(write("corrupt.deb", bad)), 400, "corrupt-data", "data.tar.gz cannot be read");
    }

    @Test
    void rejectsWrongMembersAndFormat() throws IOException {
        final String control = Debs.control("x1", "1.0", "amd64");
        expect(() -> inspector.inspect(write("v3.deb", Debs.handmade("3.0\n", "control.tar.gz", control, true))),
                400, "bad-format-version", "expected '2.0'");
        expect(() -> inspector.inspect(write("nodata.deb", Debs.handmade("2.0\n", "control.tar.gz", control, false))),
                400, "not-a-deb", "data.tar");
        expect(() -> inspector.inspect(write("lz4.deb", Debs.handmade("2.0\n", "control.tar.lz4", control, true))),
                400, "unsupported-compression", "control.tar.lz4");
        expect(() -> inspector.inspect(write("first.deb", Debs.ar(List.<Object[]>of(new Object[] {"control.tar.gz", new byte[2]})))),
                400, "not-a-deb", "first ar member must be 'debian-binary'");
        expect(() -> inspector.inspect(write("ctlgarbage.deb", Debs.ar(List.<Object[]>of(new Object[] {"debian-binary", "2.0\n".getBytes()},
                new Object[] {"control.tar.gz", "garbage!".getBytes()}, new Object[] {"data.tar.gz", Debs.tarGz("./a", new byte[1])})))),
                400, "corrupt-control", "control.tar.gz cannot be read");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "Version: 1.0\\nArchitecture: amd64\\nMaintainer: A <a@b.c>\\nDescription: d\\n|missing-field|no Package field",
        "Package: p1\\nArchitecture: amd64\\nMaintainer: A <a@b.c>\\nDescription: d\\n|missing-field|no Version field",
        "Package: p1\\nVersion: 1.0\\nMaintainer: A <a@b.c>\\nDescription: d\\n|missing-field|no Architecture field",
        "Package: p1\\nVersion: 1.0\\nArchitecture: amd64\\nDescription: d\\n|missing-field|no Maintainer field",
        "Package: p1\\nVersion: 1.0\\nArchitecture: amd64\\nMaintainer: A <a@b.c>\\n|missing-field|no Description field",
        "Package: p1\\nVersion:\\nArchitecture: amd64\\nMaintainer: A <a@b.c>\\nDescription: d\\n|missing-field|Version is empty",
        "Package: P_1\\nVersion: 1.0\\nArchitecture: amd64\\nMaintainer: A <a@b.c>\\nDescription: d\\n|bad-package-name|'P_1' is not a valid name",
        "Package: p1\\nVersion: one\\nArchitecture: amd64\\nMaintainer: A <a@b.c>\\nDescription: d\\n|bad-version|must start with a digit",
        "Package: p1\\nVersion: 1.0-\\nArchitecture: amd64\\nMaintainer: A <a@b.c>\\nDescription: d\\n|bad-version|revision after '-' is empty",
        "Package: p1\\nVersion: 1:2:3\\nArchitecture: amd64\\nMaintainer: A <a@b.c>\\nDescription: d\\n|bad-version|only the epoch",
        "Package: p1\\nVersion: 1.0\\nArchitecture: amd64 arm64\\nMaintainer: A <a@b.c>\\nDescription: d\\n|bad-architecture|not one architecture",
        "Package: p1\\nVersion: 1.0\\nArchitecture: amd64\\nMaintainer: nobody\\nDescription: d\\n|bad-maintainer|Full Name <email@address>",
        "Package: p1\\nVersion: 1.0\\nArchitecture: amd64\\nMaintainer: A <a@b.c>\\nDescription:\\n long only\\n|bad-description|synopsis",
        "Package: p1\\nPackage: p2\\nVersion: 1.0\\nArchitecture: amd64\\nMaintainer: A <a@b.c>\\nDescription: d\\n|bad-control|field 'Package' twice",
        "Package: p1\\nVersion 1.0\\nArchitecture: amd64\\nMaintainer: A <a@b.c>\\nDescription: d\\n|bad-control|is not 'Field: value'",
        "\" Package: p1\\nVersion: 1.0\\nArchitecture: amd64\\nMaintainer: A <a@b.c>\\nDescription: d\\n\"|bad-control|continues no field",
        "Package: p1\\nVersion: 1.0\\n\\nArchitecture: amd64\\nMaintainer: A <a@b.c>\\nDescription: d\\n|bad-control|more than one paragraph",
        "Package: p1\\nVersion: 1.0\\nArchitecture: amd64\\nMaintainer: A <a@b.c>\\nHomepage: x\rFilename: pool/y.deb\\nDescription: d\\n|bad-control|line 5 holds a control character"})
    void rejectsMissingOrMalformedControlFields(final String control, final String code, final String message) throws IOException {
        final Path deb = write("ctl-" + code + ".deb", Debs.handmade("2.0\n", "control.tar.gz", control.replace("\\n", "\n"), true));
        expect(() -> inspector.inspect(deb), 400, code, message);
    }

    @Test
    void rejectsAPackageNameTooLongForItsRoutingKey() throws IOException {
        final String name = "a" + "+".repeat(70); // 211 characters once each + is %2B
        final Path deb = write("long-name.deb", Debs.handmade("2.0\n", "control.tar.gz", Debs.control(name, "1.0", "amd64"), true));
        expect(() -> inspector.inspect(deb), 400, "bad-package-name", "too long for its notifications");
        final Path fits = write("long-fits.deb", Debs.handmade("2.0\n", "control.tar.gz", Debs.control("a" + "+".repeat(66), "1.0", "amd64"), true));
        assertThat(inspector.inspect(fits).name()).hasSize(67);
    }

    @Test
    void rejectsAnArchitectureOutsideTheConfiguredSet() throws IOException {
        final Path deb = Debs.build(dir, "mips-fw", "1.0", "mips64el", "gzip", 100);
        expect(() -> inspector.inspect(deb), 422, "architecture-not-allowed", "'mips64el' is not accepted here; allowed: all, amd64, arm64");
    }

    @Test
    void saysSoWhenZstdCannotBeRun() throws IOException {
        final Path deb = Debs.build(dir, "zst-fw", "1.0", "amd64", "zstd", 100);
        final DebPackageInspector noZstd = new DebPackageInspector(Set.of("amd64"), "/nonexistent/zstd");
        expect(() -> noZstd.inspect(deb), 400, "unsupported-compression", "zstd-compressed and the '/nonexistent/zstd' command");
    }

    // ------------------------------------------------------------------ decompression bombs (issue 21 item 2), default limits

    @Test
    void refusesAnLzmaHeaderThatAsksForA2GibDictionary() throws IOException {
        final Path deb = write("lzma-bomb.deb", Debs.withData("lzma-bomb", "1.0", "data.tar.lzma", Debs.lzmaWithDictionary(0x7FFFFFF0)));
        assertThat(Files.size(deb)).isLessThan(2000);
        expect(() -> inspector.inspect(deb), 413, "xz-memory-limit", "data.tar.lzma needs 2097");
        expect(() -> inspector.inspect(deb), 413, "xz-memory-limit", "the limit is 73728 KiB (firmware-publish.limits.xz-memory-kib)");
    }

    @Test
    void refusesAnXzBlockThatAsksForA1point5GibDictionary() throws IOException {
        final Path deb = write("xz-bomb.deb", Debs.withData("xz-bomb", "1.0", "data.tar.xz", Debs.xzWithDictionary(37)));
        expect(() -> inspector.inspect(deb), 413, "xz-memory-limit", "data.tar.xz needs 15");
        expect(() -> inspector.inspect(deb), 413, "xz-memory-limit", "firmware-publish.limits.xz-memory-kib");
    }

    @Test
    void refusesAGzipBombOfZerosAtTheUnpackedByteLimit() throws IOException {
        final byte[] bomb = Debs.tarGzOfZeros(DEFAULT_MAX_UNPACKED + (1 << 20));
        final Path deb = write("gzip-bomb.deb", Debs.withData("gzip-bomb", "1.0", "data.tar.gz", bomb));
        assertThat(Files.size(deb)).isLessThan(16L << 20);
        expect(() -> inspector.inspect(deb), 413, "unpacked-too-large",
                "data.tar.gz unpacks to more than 1073741824 bytes (limit firmware-publish.limits.max-unpacked-bytes)");
    }

    @Test
    void refusesATarWithTooManyEntries() throws IOException {
        final Path deb = write("entries-bomb.deb", Debs.withData("entries-bomb", "1.0", "data.tar.gz",
                Debs.tarGzOfEntries(DEFAULT_MAX_ENTRIES)));
        expect(() -> inspector.inspect(deb), 413, "too-many-entries",
                "data.tar.gz holds more than 20000 tar entries (limit firmware-publish.limits.max-tar-entries)");
        // one entry fewer (the control file counts too) is accepted
        final Path fits = write("entries-fit.deb", Debs.withData("entries-fit", "1.0", "data.tar.gz",
                Debs.tarGzOfEntries(DEFAULT_MAX_ENTRIES - 1)));
        assertThat(inspector.inspect(fits).name()).isEqualTo("entries-fit");
    }

    private static Path write(final String name, final byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static void expect(final ThrowableAssert.ThrowingCallable call, final int status, final String code, final String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(FirmwareRejected.class, e -> {
            assertThat(e.status()).as(e.getMessage()).isEqualTo(status);
            assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
            assertThat(e.getMessage()).contains(message);
        });
    }
}
