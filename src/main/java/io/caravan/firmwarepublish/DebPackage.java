package io.caravan.firmwarepublish;

import java.nio.file.Path;

/**
 * A validated Debian binary package: its control paragraph, identity and digests.
 *
 * @param file         where the bytes are (a private temporary copy during intake)
 * @param control      the control paragraph as shipped
 * @param name         Package
 * @param version      Version
 * @param architecture Architecture
 * @param size         bytes
 * @param sha256       hex
 * @param sha1         hex (Packages index)
 * @param md5          hex (Packages index)
 */
public record DebPackage(Path file, ControlFields control, String name, DebianVersion version, String architecture,
        long size, String sha256, String sha1, String md5) {

    /** The pool file name, as dpkg-name would call it (epoch dropped). */
    public String poolFileName() {
        final String v = version.toString();
        final int colon = v.indexOf(':');
        return name + "_" + (colon >= 0 ? v.substring(colon + 1) : v) + "_" + architecture + ".deb";
    }
}
