package io.caravan.firmwarepublish;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Bounds on what one upload may cost when it is decompressed: a .deb's control.tar and data.tar
 * (together) and the package tree tar of build-and-bump. Each refusal is a 413 naming the property
 * that sets the limit ({@code firmware-publish.limits.*}).
 *
 * @param maxUnpackedBytes bytes read out of the decompressors of one upload (tar headers included)
 * @param maxTarEntries    tar entries in one upload (control.tar and data.tar counted together)
 * @param xzMemoryKib      memory an xz or lzma decoder may allocate (KiB; its dictionary above all)
 */
public record UnpackLimits(long maxUnpackedBytes, int maxTarEntries, int xzMemoryKib) {

    /**
     * 1 GiB unpacked, 20,000 entries, 72 MiB for an xz/lzma decoder: enough for {@code xz -9} (64 MiB
     * dictionary, 65 MiB to decode) and far above what dpkg-deb's default {@code -Zxz} (8 MiB) needs.
     */
    public static final UnpackLimits DEFAULTS = new UnpackLimits(1L << 30, 20_000, 72 * 1024);

    public UnpackLimits {
        if (maxUnpackedBytes <= 0 || maxTarEntries <= 0 || xzMemoryKib <= 0) {
            throw new IllegalArgumentException("firmware-publish.limits.* must be positive: " + maxUnpackedBytes + ", " + maxTarEntries
                    + ", " + xzMemoryKib);
        }
    }

    /** A fresh budget for one upload: every stream it wraps and every entry it counts draw from the same totals. */
    public Budget budget() {
        return new Budget();
    }

    FirmwareRejected tooManyEntries(final String what) {
        return new FirmwareRejected(413, "too-many-entries", what + " holds more than " + maxTarEntries
                + " tar entries (limit firmware-publish.limits.max-tar-entries)");
    }

    FirmwareRejected unpackedTooLarge(final String what) {
        return new FirmwareRejected(413, "unpacked-too-large", what + " unpacks to more than " + maxUnpackedBytes
                + " bytes (limit firmware-publish.limits.max-unpacked-bytes)");
    }

    FirmwareRejected xzMemory(final String what, final long neededKib) {
        return new FirmwareRejected(413, "xz-memory-limit", what + " needs " + neededKib + " KiB of memory to decompress (its dictionary); "
                + "the limit is " + xzMemoryKib + " KiB (firmware-publish.limits.xz-memory-kib)");
    }

    /** What one upload has used so far. Not thread-safe: one upload is read by one thread. */
    public final class Budget {
        private long bytes;
        private int entries;

        private Budget() {
        }

        /** Counts one more tar entry of {@code what}; 413 beyond the limit. */
        public void entry(final String what) {
            if (++entries > maxTarEntries) {
                throw tooManyEntries(what);
            }
        }

        /** {@code in} (a decompressor's output) counted against the byte limit; reading past it throws a 413. */
        public InputStream count(final InputStream in, final String what) {
            return new FilterInputStream(in) {
                @Override
                public int read() throws IOException {
                    final int b = super.read();
                    if (b >= 0) {
                        add(1, what);
                    }
                    return b;
                }

                @Override
                public int read(final byte[] b, final int off, final int len) throws IOException {
                    final int n = super.read(b, off, len);
                    if (n > 0) {
                        add(n, what);
                    }
                    return n;
                }

                @Override
                public long skip(final long n) throws IOException {
                    // skipping decompresses just the same: read (and count) instead of delegating
                    if (n <= 0) {
                        return 0;
                    }
                    final byte[] buffer = new byte[(int) Math.min(n, 1 << 16)];
                    long skipped = 0;
                    while (skipped < n) {
                        final int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
                        if (r < 0) {
                            break;
                        }
                        skipped += r;
                    }
                    return skipped;
                }

                @Override
                public boolean markSupported() {
                    return false;
                }
            };
        }

        private void add(final int n, final String what) {
            bytes += n;
            if (bytes > maxUnpackedBytes) {
                throw unpackedTooLarge(what);
            }
        }
    }
}
