package io.caravan.firmwarepublish;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Build-and-bump: a package tree given as a tar (optionally gzip-compressed) holding
 * {@code DEBIAN/control} (Package, Architecture, Maintainer, Description; any Version is replaced)
 * and the files to install, gets the next version after the latest published one, is built with
 * {@code dpkg-deb --build} and returned as a .deb. Only directories and regular files are taken
 * from the tar (no links, devices or paths leaving the tree), within {@link UnpackLimits} (bytes
 * unpacked and entries: a small gzip bomb must not fill the disk).
 */
public final class PackageBuilder {

    private final String dpkgDeb;
    private final UnpackLimits limits;

    public PackageBuilder(final String dpkgDeb) {
        this(dpkgDeb, UnpackLimits.DEFAULTS);
    }

    /** @param limits bytes unpacked and tar entries of one package tree (a gzip bomb of zeros stops at the byte limit) */
    public PackageBuilder(final String dpkgDeb, final UnpackLimits limits) {
        this.dpkgDeb = dpkgDeb;
        this.limits = limits;
    }

    /** Unpacks {@code tar} into {@code tree}; returns the control paragraph of DEBIAN/control. */
    public ControlFields unpack(final Path tar, final Path tree) throws IOException {
        final UnpackLimits.Budget budget = limits.budget();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(tar));
             TarArchiveInputStream in = new TarArchiveInputStream(budget.count(gunzipIfNeeded(raw), "the package tree tar"))) {
            TarArchiveEntry e;
            int count = 0;
            while ((e = in.getNextEntry()) != null) {
                budget.entry("the package tree tar");
                count++;
                final String name = e.getName();
                final Path target = tree.resolve(name).normalize();
                if (name.startsWith("/") || !target.startsWith(tree) || name.contains("..")) {
                    throw FirmwareRejected.invalid("bad-tree", "tar entry '" + name + "' leaves the package tree");
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else if (e.isFile()) {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    if ((e.getMode() & 0111) != 0) {
                        target.toFile().setExecutable(true, false);
                    }
                } else {
                    throw FirmwareRejected.invalid("bad-tree", "tar entry '" + name + "' is not a file or directory (links and devices are not accepted)");
                }
            }
            if (count == 0) {
                throw FirmwareRejected.invalid("bad-tree", "the package tree tar is empty");
            }
        } catch (FirmwareRejected e) {
            throw e;
        } catch (IOException | IllegalArgumentException e) {
            throw FirmwareRejected.invalid("bad-tree", "the package tree is not a readable tar: " + e.getMessage());
        }
        final Path control = tree.resolve("DEBIAN/control");
        if (!Files.isRegularFile(control)) {
            throw FirmwareRejected.invalid("bad-tree", "the package tree has no DEBIAN/control");
        }
        final ControlFields fields = ControlFields.parse(Files.readString(control, StandardCharsets.UTF_8));
        if (fields.get("Package") == null) {
            throw FirmwareRejected.invalid("missing-field", "DEBIAN/control has no Package field");
        }
        return fields;
    }

    /** Writes {@code version} into DEBIAN/control and runs dpkg-deb --build; returns the .deb. */
    public Path build(final Path tree, final ControlFields template, final DebianVersion version, final Path out) throws IOException {
        final StringBuilder control = new StringBuilder();
        boolean written = false;
        for (final Map.Entry<String, String> f : template.asMap().entrySet()) {
            if (f.getKey().equalsIgnoreCase("Version")) {
                continue;
            }
            control.append(f.getKey()).append(": ").append(f.getValue()).append('\n');
            if (!written && f.getKey().equalsIgnoreCase("Package")) {
                control.append("Version: ").append(version).append('\n');
                written = true;
            }
        }
        Files.writeString(tree.resolve("DEBIAN/control"), control.toString(), StandardCharsets.UTF_8);
        final List<String> cmd = new ArrayList<>(List.of(dpkgDeb, "--root-owner-group", "-Zxz", "--build", tree.toString(), out.toString()));
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("dpkg-deb --build timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw FirmwareRejected.invalid("build-failed", "dpkg-deb --build refused the package tree: " + output.strip());
        }
        return out;
    }

    private static InputStream gunzipIfNeeded(final InputStream in) throws IOException {
        in.mark(2);
        final int b1 = in.read();
        final int b2 = in.read();
        in.reset();
        return b1 == 0x1f && b2 == 0x8b ? new GZIPInputStream(in) : in;
    }
}
