package io.caravan.firmwarepublish;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Test packages: real ones built by {@code dpkg-deb --build}, and hand-made (broken) ones. */
final class Debs {

    private Debs() {
    }

    /** A real .deb built by dpkg-deb from a generated tree; {@code compression} is gzip, xz, zstd or none. */
    static Path build(final Path workDir, final String name, final String version, final String arch, final String compression,
            final int payloadBytes) throws IOException {
        return build(workDir, name, version, arch, compression, payloadBytes, 0);
    }

    /** As {@link #build}, with {@code salt} changing the payload (same version, other bytes). */
    static Path build(final Path workDir, final String name, final String version, final String arch, final String compression,
            final int payloadBytes, final long salt) throws IOException {
        final Path tree = Files.createTempDirectory(Files.createDirectories(workDir), "tree-");
        Files.createDirectories(tree.resolve("DEBIAN"));
        Files.writeString(tree.resolve("DEBIAN/control"), control(name, version, arch), StandardCharsets.UTF_8);
        final Path payload = tree.resolve("opt/caravan/" + name + "/firmware.bin");
        Files.createDirectories(payload.getParent());
        final byte[] bytes = new byte[payloadBytes];
        new Random(name.hashCode() * 31L + version.hashCode() + salt).nextBytes(bytes);
        Files.write(payload, bytes);
        Files.writeString(tree.resolve("opt/caravan/" + name + "/VERSION"), version + " " + salt + "\n");
        final Path out = workDir.resolve(name + "_" + version.replace(':', '%') + "_" + arch + "-" + salt + "-" + compression + ".deb");
        run(List.of("dpkg-deb", "--root-owner-group", "-Z" + compression, "--build", tree.toString(), out.toString()));
        AptRepository.deleteTree(tree);
        return out;
    }

    static String control(final String name, final String version, final String arch) {
        return "Package: " + name + "\nVersion: " + version + "\nArchitecture: " + arch
                + "\nMaintainer: Caravan Firmware Team <firmware@caravan.example>\nSection: misc\nPriority: optional"
                + "\nDescription: test firmware " + name + "\n Built by the firmware-publish tests.\n";
    }

    /** A hand-made .deb (no dpkg-deb checks): the given members, control.tar.gz holding {@code control}. */
    static byte[] handmade(final String debianBinary, final String controlMemberName, final String control, final boolean withData)
            throws IOException {
        final List<Object[]> members = new ArrayList<>();
        members.add(new Object[] {"debian-binary", debianBinary.getBytes(StandardCharsets.US_ASCII)});
        members.add(new Object[] {controlMemberName, control == null ? new byte[0] : tarGz("./control", control.getBytes(StandardCharsets.UTF_8))});
        if (withData) {
            members.add(new Object[] {"data.tar.gz", tarGz("./opt/x", "x".getBytes(StandardCharsets.US_ASCII))});
        }
        return ar(members);
    }

    static byte[] ar(final List<Object[]> members) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write("!<arch>\n".getBytes(StandardCharsets.US_ASCII));
        for (final Object[] m : members) {
            final byte[] data = (byte[]) m[1];
            final String header = String.format("%-16s%-12s%-6s%-6s%-8s%-10s`\n", m[0], "0", "0", "0", "100644", data.length);
            out.write(header.getBytes(StandardCharsets.US_ASCII));
            out.write(data);
            if (data.length % 2 == 1) {
                out.write('\n');
            }
        }
        return out.toByteArray();
    }

    static byte[] tarGz(final String name, final byte[] content) throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(bytes); TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
            final TarArchiveEntry e = new TarArchiveEntry(name);
            e.setSize(content.length);
            tar.putArchiveEntry(e);
            tar.write(content);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    // ------------------------------------------------------------------ decompression bombs (issue 21 item 2)

    /** A .deb whose control.tar.gz is fine and whose data member is {@code dataName} holding {@code data}. */
    static byte[] withData(final String name, final String version, final String dataName, final byte[] data) throws IOException {
        return ar(List.of(new Object[] {"debian-binary", "2.0\n".getBytes(StandardCharsets.US_ASCII)},
                new Object[] {"control.tar.gz", tarGz("./control", control(name, version, "amd64").getBytes(StandardCharsets.UTF_8))},
                new Object[] {dataName, data}));
    }

    /** A small tar with one file. */
    static byte[] smallTar() throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            final TarArchiveEntry e = new TarArchiveEntry("./opt/x");
            e.setSize(1);
            tar.putArchiveEntry(e);
            tar.write('x');
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    /**
     * A valid .lzma stream of a small tar whose 13-byte header asks for a dictionary of
     * {@code dictSize} bytes (with unknown uncompressed size, so the decoder cannot shrink it):
     * a decoder without a memory limit allocates it all.
     */
    static byte[] lzmaWithDictionary(final int dictSize) throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (org.tukaani.xz.LZMAOutputStream lzma = new org.tukaani.xz.LZMAOutputStream(bytes, new org.tukaani.xz.LZMA2Options(), -1)) {
            lzma.write(smallTar());
        }
        final byte[] out = bytes.toByteArray();
        for (int i = 0; i < 4; i++) {
            out[1 + i] = (byte) (dictSize >>> (8 * i)); // props byte, then the dictionary size little-endian
        }
        return out;
    }

    /**
     * A valid .xz stream of a small tar whose LZMA2 filter asks for the dictionary encoded by
     * {@code dictByte} (37 = 1.5 GiB): the block header is patched and its CRC32 recomputed.
     */
    static byte[] xzWithDictionary(final int dictByte) throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (org.tukaani.xz.XZOutputStream xz = new org.tukaani.xz.XZOutputStream(bytes, new org.tukaani.xz.LZMA2Options())) {
            xz.write(smallTar());
        }
        final byte[] out = bytes.toByteArray();
        final int block = 12; // after the stream header
        final int headerSize = ((out[block] & 0xff) + 1) * 4;
        if (out[block + 2] != 0x21 || out[block + 3] != 0x01) {
            throw new IllegalStateException("unexpected xz block header");
        }
        out[block + 4] = (byte) dictByte;
        final java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(out, block, headerSize - 4);
        final long value = crc.getValue();
        for (int i = 0; i < 4; i++) {
            out[block + headerSize - 4 + i] = (byte) (value >>> (8 * i));
        }
        return out;
    }

    /** A gzip-compressed tar holding {@code extra} (name, content) entries and one file of {@code zeros} zero bytes (gzip level 1: ~1 MB per 200 MB). */
    static byte[] tarGzOfZeros(final long zeros, final String[]... extra) throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(bytes, 1 << 16) {
                {
                    def.setLevel(java.util.zip.Deflater.BEST_SPEED);
                }
            };
             TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (final String[] f : extra) {
                final byte[] content = f[1].getBytes(StandardCharsets.UTF_8);
                final TarArchiveEntry e = new TarArchiveEntry(f[0]);
                e.setSize(content.length);
                tar.putArchiveEntry(e);
                tar.write(content);
                tar.closeArchiveEntry();
            }
            final TarArchiveEntry e = new TarArchiveEntry("opt/zeros.bin");
            e.setSize(zeros);
            tar.putArchiveEntry(e);
            final byte[] block = new byte[1 << 20];
            for (long left = zeros; left > 0; left -= block.length) {
                tar.write(block, 0, (int) Math.min(block.length, left));
            }
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    /** A gzip-compressed tar of {@code extra} entries and then {@code count} empty files. */
    static byte[] tarGzOfEntries(final int count, final String[]... extra) throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(bytes, 1 << 16); TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
            for (final String[] f : extra) {
                final byte[] content = f[1].getBytes(StandardCharsets.UTF_8);
                final TarArchiveEntry e = new TarArchiveEntry(f[0]);
                e.setSize(content.length);
                tar.putArchiveEntry(e);
                tar.write(content);
                tar.closeArchiveEntry();
            }
            for (int i = 0; i < count; i++) {
                tar.putArchiveEntry(new TarArchiveEntry("opt/f" + i));
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    static String run(final List<String> cmd) throws IOException {
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return out;
    }
}
