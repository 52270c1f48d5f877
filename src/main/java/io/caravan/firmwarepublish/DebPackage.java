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

    /**
     * The pool file name, as dpkg-name and Debian's archive call it: {@code <name>_<version>_<arch>.deb}
     * with the epoch left out. So {@code 1:1.0} and {@code 1.0} map to one name, and the repository
     * refuses the second of them (409 pool-file-exists) instead of replacing a file that older
     * snapshots list and that is served immutable — what dak and reprepro do too.
     *
     * <p>Why not put the epoch into the name ({@code 1%3a1.0})? The name is the path apt fetches;
     * {@code %3a} in a URL path is decoded by HTTP servers and proxies to {@code :} (some do, some do
     * not), so the same Filename would resolve to different files depending on what is in front of the
     * repository, and a literal {@code :} is not portable to every file system and mirror tool. An
     * epoch is only needed when the upstream version goes backwards; with firmware that is a new
     * upstream version or revision, which then gets its own file.
     */
    public String poolFileName() {
        return poolFileName(name, version, architecture);
    }

    /** {@link #poolFileName()} of any name, version and architecture. */
    public static String poolFileName(final String name, final DebianVersion version, final String architecture) {
        final String v = version.toString();
        final int colon = v.indexOf(':');
        return name + "_" + (colon >= 0 ? v.substring(colon + 1) : v) + "_" + architecture + ".deb";
    }
}
