package io.caravan.firmwarepublish;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs Release files with GnuPG ({@code gpg}) in a dedicated GNUPGHOME: {@code InRelease}
 * (clear-signed) and {@code Release.gpg} (detached, armoured), as apt expects.
 *
 * <p>Key: when {@code keyId} is empty and the home holds no secret key, a passphrase-less
 * ed25519 signing key is generated on first start (local and test runs only: the key lives in the
 * state dir). Production mounts a GNUPGHOME holding its key (or imports {@code secretKeyFile} into
 * the home at start) and names the key with {@code keyId}; the key must have no passphrase or be
 * unlocked by a gpg-agent preset, since signing is unattended.
 */
public final class GpgSigner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GpgSigner.class);

    private final Path home;
    private final String gpg;
    private final String uid;
    private String keyId;
    private byte[] binaryKey;
    private byte[] armoredKey;

    public GpgSigner(final Path home, final String gpg, final String keyId, final String uid) {
        this.home = shortHome(home);
        this.gpg = gpg;
        this.keyId = keyId == null || keyId.isBlank() ? null : keyId.strip();
        this.uid = uid;
    }

    /**
     * gpg-agent's sockets live in the home and a Unix socket path is limited to 107 bytes: a deep
     * home (e.g. under a build directory) is used through a short symlink in the temp dir.
     */
    static Path shortHome(final Path home) {
        final Path absolute = home.toAbsolutePath();
        if (absolute.toString().length() <= 64) {
            return absolute;
        }
        try {
            Files.createDirectories(absolute);
            Files.setPosixFilePermissions(absolute, PosixFilePermissions.fromString("rwx------"));
            final String hash = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(absolute.toString().getBytes(StandardCharsets.UTF_8))).substring(0, 16);
            final Path link = Path.of(System.getProperty("java.io.tmpdir"), "caravan-gnupg-" + hash);
            if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(absolute)) {
                return link;
            }
            final Path tmp = link.resolveSibling(link.getFileName() + "." + ProcessHandle.current().pid());
            Files.deleteIfExists(tmp);
            Files.createSymbolicLink(tmp, absolute);
            Files.move(tmp, link, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return link;
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            LOG.warn("firmware-publish: cannot shorten the GnuPG home {}: {}", absolute, e.getMessage());
            return absolute;
        }
    }

    /** Creates the home if needed, imports {@code secretKeyFile} if given, generates a key if none; returns the key's fingerprint. */
    public synchronized String ensureKey(final Path secretKeyFile) throws IOException {
        if (!Files.isDirectory(home)) {
            Files.createDirectories(home);
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        }
        if (secretKeyFile != null) {
            run(List.of("--import", secretKeyFile.toString()), null);
        }
        if (keyId == null) {
            String fpr = firstSecretFingerprint();
            if (fpr == null) {
                LOG.warn("firmware-publish: no signing key configured; generating a passphrase-less ed25519 key in {} "
                        + "(fine for local/test runs; configure firmware-publish.gpg.* in production)", home);
                run(List.of("--passphrase", "", "--quick-generate-key", uid, "ed25519", "sign", "never"), null);
                fpr = firstSecretFingerprint();
                if (fpr == null) {
                    throw new IOException("gpg generated no key in " + home);
                }
            }
            keyId = fpr;
        }
        return keyId;
    }

    public String keyId() {
        return keyId;
    }

    /** The public key, binary (for apt's signed-by=) when {@code armor} is false; exported once per key. */
    public synchronized byte[] exportPublicKey(final boolean armor) throws IOException {
        final byte[] cached = armor ? armoredKey : binaryKey;
        if (cached != null) {
            return cached.clone();
        }
        final byte[] key = export(armor);
        if (armor) {
            armoredKey = key;
        } else {
            binaryKey = key;
        }
        return key.clone();
    }

    private byte[] export(final boolean armor) throws IOException {
        final List<String> args = new ArrayList<>();
        if (armor) {
            args.add("--armor");
        }
        args.add("--export");
        args.add(keyId);
        final byte[] key = run(args, null);
        if (key.length == 0) {
            throw new IOException("gpg exported no public key for " + keyId);
        }
        return key;
    }

    /** Writes {@code InRelease} and {@code Release.gpg} for {@code release} into its directory. */
    public void signRelease(final Path release) throws IOException {
        final Path dir = release.getParent();
        run(List.of("--local-user", keyId, "--digest-algo", "SHA512", "--clearsign", "--output",
                dir.resolve("InRelease").toString(), release.toString()), null);
        run(List.of("--local-user", keyId, "--digest-algo", "SHA512", "--armor", "--detach-sign", "--output",
                dir.resolve("Release.gpg").toString(), release.toString()), null);
    }

    private String firstSecretFingerprint() throws IOException {
        final String out = new String(run(List.of("--with-colons", "--list-secret-keys"), null), StandardCharsets.UTF_8);
        boolean inSec = false;
        for (final String line : out.split("\n")) {
            if (line.startsWith("sec:")) {
                inSec = true;
            } else if (inSec && line.startsWith("fpr:")) {
                return line.split(":")[9];
            }
        }
        return null;
    }

    private byte[] run(final List<String> args, final byte[] stdin) throws IOException {
        final List<String> cmd = new ArrayList<>(List.of(gpg, "--homedir", home.toString(), "--batch", "--yes", "--no-tty",
                "--pinentry-mode", "loopback"));
        cmd.addAll(args);
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        try {
            if (stdin != null) {
                p.getOutputStream().write(stdin);
            }
            p.getOutputStream().close();
            final var err = new java.io.ByteArrayOutputStream();
            final Thread errPump = new Thread(() -> {
                try {
                    p.getErrorStream().transferTo(err);
                } catch (IOException ignored) {
                    // the exit status decides
                }
            }, "firmware-publish-gpg-stderr");
            errPump.setDaemon(true);
            errPump.start();
            final byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("gpg " + args.get(0) + " timed out");
            }
            errPump.join(5000);
            if (p.exitValue() != 0) {
                throw new IOException("gpg " + String.join(" ", args) + " failed (exit " + p.exitValue() + "): "
                        + err.toString(StandardCharsets.UTF_8).strip());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while running gpg", e);
        }
    }

    /** Stops the gpg-agent that gpg started for this home. */
    @Override
    public void close() {
        try {
            new ProcessBuilder("gpgconf", "--homedir", home.toString(), "--kill", "gpg-agent")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            LOG.debug("gpgconf --kill gpg-agent failed: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
