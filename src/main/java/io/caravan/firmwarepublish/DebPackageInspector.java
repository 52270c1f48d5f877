package io.caravan.firmwarepublish;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.tukaani.xz.LZMAInputStream;
import org.tukaani.xz.MemoryLimitException;
import org.tukaani.xz.XZInputStream;

/**
 * Validates a .deb in plain Java, without dpkg: the ar container (deb(5): {@code debian-binary}
 * = "2.0" first, then {@code control.tar[.gz|.xz|.zst]}, then {@code data.tar[.gz|.xz|.zst|.bz2|.lzma]}),
 * the control paragraph (Package, Version, Architecture, Maintainer, Description and their syntax;
 * no field that the repository computes, such as Filename, Size or a checksum),
 * Architecture against the configured set, and the digests. The data tarball is read to its end,
 * so a truncated or corrupt payload is caught here and not on the device; what that may cost is
 * bounded by {@link UnpackLimits} (bytes unpacked and tar entries over both tarballs, xz/lzma
 * decoder memory), each refusal a 413 naming its limit.
 *
 * <p>zstd: commons-compress needs zstd-jni for it, which is not on the classpath, so a
 * {@code .zst} member is piped through the {@code zstd} command (Debian package zstd, which
 * dpkg itself depends on since bookworm). Without that command a .zst package is rejected with a
 * message saying so.
 */
public final class DebPackageInspector {

    private static final Pattern PACKAGE = Pattern.compile("[a-z0-9][a-z0-9+.-]+");
    private static final Pattern ARCHITECTURE = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final Pattern MAINTAINER = Pattern.compile("[^<>\\n]*[^<>\\s][^<>\\n]*\\s<[^<>\\s@]+@[^<>\\s]+>");
    private static final int MAX_CONTROL_BYTES = 1 << 20;

    private final Set<String> architectures;
    private final String zstdCommand;
    private final UnpackLimits limits;

    /**
     * @param architectures the Architecture values accepted (e.g. amd64, arm64, all)
     * @param zstdCommand   the zstd executable ("zstd" on the PATH)
     */
    public DebPackageInspector(final Set<String> architectures, final String zstdCommand) {
        this(architectures, zstdCommand, UnpackLimits.DEFAULTS);
    }

    /**
     * @param limits what decompressing one package may cost (bytes, tar entries, xz/lzma decoder memory)
     */
    public DebPackageInspector(final Set<String> architectures, final String zstdCommand, final UnpackLimits limits) {
        this.architectures = Set.copyOf(architectures);
        this.zstdCommand = zstdCommand;
        this.limits = limits;
    }

    public Set<String> architectures() {
        return architectures;
    }

    /** Validates {@code file}; returns the package or throws {@link FirmwareRejected} naming the problem. */
    public DebPackage inspect(final Path file) {
        try {
            return doInspect(file);
        } catch (IOException e) {
            throw FirmwareRejected.invalid("unreadable", "package cannot be read: " + e.getMessage());
        }
    }

    private DebPackage doInspect(final Path file) throws IOException {
        final ArArchive ar = ArArchive.read(file);
        final List<ArArchive.Member> members = ar.members();
        if (members.isEmpty() || !members.get(0).name().equals("debian-binary")) {
            throw FirmwareRejected.invalid("not-a-deb", "not a Debian package: the first ar member must be 'debian-binary'"
                    + (members.isEmpty() ? " (archive is empty)" : ", found '" + members.get(0).name() + "'"));
        }
        final String format = new String(ar.readSmall(members.get(0), 64), StandardCharsets.US_ASCII);
        if (!format.startsWith("2.0\n") && !format.equals("2.0")) {
            throw FirmwareRejected.invalid("bad-format-version", "unsupported .deb format: debian-binary is '"
                    + format.strip() + "', expected '2.0'");
        }
        if (members.size() < 3) {
            throw FirmwareRejected.invalid("not-a-deb", "not a Debian package: expected control.tar.* and data.tar.* after debian-binary");
        }
        final ArArchive.Member control = members.get(1);
        if (!control.name().startsWith("control.tar")) {
            throw FirmwareRejected.invalid("not-a-deb", "second ar member must be control.tar[.gz|.xz|.zst], found '" + control.name() + "'");
        }
        final String controlCompression = compression(control.name(), "control.tar", Set.of("", ".gz", ".xz", ".zst"));
        ArArchive.Member data = null;
        for (final ArArchive.Member m : members.subList(2, members.size())) {
            if (m.name().startsWith("data.tar")) {
                data = m;
                break;
            }
            if (!m.name().startsWith("_")) {
                throw FirmwareRejected.invalid("not-a-deb", "unexpected ar member '" + m.name() + "' before data.tar.*");
            }
        }
        if (data == null) {
            throw FirmwareRejected.invalid("not-a-deb", "not a Debian package: no data.tar.* member");
        }
        final String dataCompression = compression(data.name(), "data.tar", Set.of("", ".gz", ".xz", ".zst", ".bz2", ".lzma"));

        final UnpackLimits.Budget budget = limits.budget();
        final String controlText = readControl(ar, control, controlCompression, budget);
        checkDataTar(ar, data, dataCompression, budget);

        final ControlFields fields = ControlFields.parse(controlText);
        AptRepository.refuseComputedFields(fields);
        final String name = required(fields, "Package");
        if (!PACKAGE.matcher(name).matches()) {
            throw FirmwareRejected.invalid("bad-package-name", "Package '" + name
                    + "' is not a valid name (lowercase letters, digits, + - . ; at least 2 characters, starting alphanumeric)");
        }
        if (NotificationNames.amqpWord(name).length() > NotificationNames.MAX_WORD) {
            throw FirmwareRejected.invalid("bad-package-name", "Package name is too long for its notifications: at most "
                    + NotificationNames.MAX_WORD + " characters with each + and . counted as 3 (it is the AMQP routing-key word)");
        }
        final String versionText = required(fields, "Version");
        final DebianVersion version;
        try {
            version = DebianVersion.parse(versionText);
        } catch (IllegalArgumentException e) {
            throw FirmwareRejected.invalid("bad-version", "bad Version: " + e.getMessage());
        }
        final String arch = required(fields, "Architecture");
        if (!ARCHITECTURE.matcher(arch).matches()) {
            throw FirmwareRejected.invalid("bad-architecture", "Architecture '" + arch + "' is not one architecture name");
        }
        if (!architectures.contains(arch)) {
            throw new FirmwareRejected(422, "architecture-not-allowed", "Architecture '" + arch + "' is not accepted here; allowed: "
                    + String.join(", ", new java.util.TreeSet<>(architectures)));
        }
        final String maintainer = required(fields, "Maintainer");
        if (!MAINTAINER.matcher(maintainer).matches()) {
            throw FirmwareRejected.invalid("bad-maintainer", "Maintainer '" + maintainer + "' must be 'Full Name <email@address>'");
        }
        final String description = required(fields, "Description");
        if (description.isBlank() || description.startsWith("\n")) {
            throw FirmwareRejected.invalid("bad-description", "Description needs a one-line synopsis on its first line");
        }
        final String[] digests = digests(file);
        return new DebPackage(file, fields, name, version, arch, Files.size(file), digests[0], digests[1], digests[2]);
    }

    private static String required(final ControlFields fields, final String name) {
        final String value = fields.get(name);
        if (value == null) {
            throw FirmwareRejected.invalid("missing-field", "control file has no " + name + " field");
        }
        if (value.isBlank()) {
            throw FirmwareRejected.invalid("missing-field", "control field " + name + " is empty");
        }
        return value;
    }

    private static String compression(final String member, final String base, final Set<String> allowed) {
        final String suffix = member.substring(base.length());
        if (!allowed.contains(suffix)) {
            throw FirmwareRejected.invalid("unsupported-compression", "ar member '" + member + "': unsupported compression '"
                    + suffix + "' (allowed: " + base + String.join(", " + base, new java.util.TreeSet<>(allowed)) + ")");
        }
        return suffix;
    }

    private String readControl(final ArArchive ar, final ArArchive.Member member, final String compression,
            final UnpackLimits.Budget budget) throws IOException {
        try (InputStream raw = ar.open(member);
             InputStream in = budget.count(decompress(raw, compression, member.name()), member.name());
             TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                budget.entry(member.name());
                final String n = entry.getName();
                if (n.equals("./control") || n.equals("control")) {
                    if (entry.getSize() > MAX_CONTROL_BYTES) {
                        throw FirmwareRejected.invalid("bad-control", "control file is larger than 1 MiB");
                    }
                    final byte[] bytes = tar.readNBytes((int) entry.getSize());
                    if (bytes.length != entry.getSize()) {
                        throw FirmwareRejected.invalid("truncated", member.name() + " is truncated inside ./control");
                    }
                    final String text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
                    drain(tar);
                    return text;
                }
            }
            throw FirmwareRejected.invalid("missing-control", member.name() + " holds no ./control file");
        } catch (FirmwareRejected e) {
            throw e;
        } catch (java.nio.charset.CharacterCodingException e) {
            throw FirmwareRejected.invalid("bad-control", "control file is not UTF-8");
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            throw memoryLimit(e, member).orElseGet(() -> FirmwareRejected.invalid("corrupt-control", member.name() + " cannot be read: "
                    + message(e)));
        }
    }

    /** The 413 for an xz/lzma member whose decoder would need more memory than allowed, when that is what {@code e} is. */
    private java.util.Optional<FirmwareRejected> memoryLimit(final Throwable e, final ArArchive.Member member) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MemoryLimitException m) {
                return java.util.Optional.of(limits.xzMemory(member.name(), m.getMemoryNeeded()));
            }
        }
        return java.util.Optional.empty();
    }

    /** Reads data.tar to its end (so corruption is caught here), within the budget of bytes and entries. */
    private void checkDataTar(final ArArchive ar, final ArArchive.Member member, final String compression,
            final UnpackLimits.Budget budget) {
        try (InputStream raw = ar.open(member);
             InputStream in = budget.count(decompress(raw, compression, member.name()), member.name());
             TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            while (tar.getNextEntry() != null) {
                budget.entry(member.name());
                drain(tar);
            }
            drain(in);
        } catch (FirmwareRejected e) {
            throw e;
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            throw memoryLimit(e, member).orElseGet(() -> FirmwareRejected.invalid("corrupt-data", member.name() + " cannot be read: "
                    + message(e)));
        }
    }

    private InputStream decompress(final InputStream raw, final String compression, final String member) throws IOException {
        final InputStream in = new BufferedInputStream(raw, 1 << 16);
        return switch (compression) {
            case "" -> in;
            case ".gz" -> new GZIPInputStream(in, 1 << 16);
            // with a memory limit: the stream header chooses the dictionary the decoder allocates
            case ".xz" -> new XZInputStream(in, limits.xzMemoryKib());
            case ".lzma" -> new LZMAInputStream(in, limits.xzMemoryKib());
            case ".bz2" -> new BZip2CompressorInputStream(in);
            case ".zst" -> ExternalZstd.decompress(zstdCommand, in, member);
            default -> throw new IllegalStateException(compression);
        };
    }

    private static void drain(final InputStream in) throws IOException {
        in.transferTo(java.io.OutputStream.nullOutputStream());
    }

    private static String message(final Throwable e) {
        final String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** sha256, sha1, md5 of a file, in hex. */
    static String[] digests(final Path file) throws IOException {
        try {
            final MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            final MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            final MessageDigest md5 = MessageDigest.getInstance("MD5");
            try (InputStream in = Files.newInputStream(file)) {
                final byte[] buffer = new byte[1 << 16];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    sha256.update(buffer, 0, n);
                    sha1.update(buffer, 0, n);
                    md5.update(buffer, 0, n);
                }
            }
            final HexFormat hex = HexFormat.of();
            return new String[] {hex.formatHex(sha256.digest()), hex.formatHex(sha1.digest()), hex.formatHex(md5.digest())};
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code zstd -dc} as a filter: stdin fed from a daemon thread, stdout returned; exit status checked at close. */
    static final class ExternalZstd extends java.io.FilterInputStream {
        private final Process process;
        private final String member;

        private ExternalZstd(final Process process, final String member) {
            super(process.getInputStream());
            this.process = process;
            this.member = member;
        }

        static InputStream decompress(final String command, final InputStream compressed, final String member) {
            final Process process;
            try {
                process = new ProcessBuilder(command, "-dcq").redirectError(ProcessBuilder.Redirect.DISCARD).start();
            } catch (IOException e) {
                throw FirmwareRejected.invalid("unsupported-compression", member
                        + " is zstd-compressed and the '" + command + "' command needed to read it is not installed");
            }
            final Thread feeder = new Thread(() -> {
                try (var out = process.getOutputStream()) {
                    compressed.transferTo(out);
                } catch (IOException ignored) {
                    // zstd stopped reading (corrupt input): its exit status reports it
                }
            }, "firmware-publish-zstd-feed");
            feeder.setDaemon(true);
            feeder.start();
            return new ExternalZstd(process, member);
        }

        @Override
        public int read(final byte[] b, final int off, final int len) throws IOException {
            final int n = super.read(b, off, len);
            if (n < 0) {
                checkExit();
            }
            return n;
        }

        @Override
        public int read() throws IOException {
            final int n = super.read();
            if (n < 0) {
                checkExit();
            }
            return n;
        }

        private void checkExit() throws IOException {
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IOException("zstd did not finish");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            if (process.exitValue() != 0) {
                throw new IOException("zstd stream is corrupt or truncated (zstd exit " + process.exitValue() + ")");
            }
        }

        @Override
        public void close() throws IOException {
            process.destroy();
            super.close();
        }
    }
}
