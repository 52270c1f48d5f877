package io.caravan.firmwarepublish;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The Unix ar container of a .deb (deb(5), ar(5)), read by hand: the magic {@code !<arch>\n},
 * then 60-byte member headers (name 16, mtime 12, uid 6, gid 6, mode 8, size 10, {@code `\n}),
 * each member's data padded to an even offset. Every member must lie inside the file.
 */
public final class ArArchive {

    static final byte[] MAGIC = "!<arch>\n".getBytes(StandardCharsets.US_ASCII);

    /** One member: its name (GNU trailing '/' removed), data offset and size. */
    public record Member(String name, long offset, long size) {
    }

    private final Path file;
    private final List<Member> members;

    private ArArchive(final Path file, final List<Member> members) {
        this.file = file;
        this.members = members;
    }

    /** Reads the member table of {@code file}; rejects anything that is not a complete ar archive. */
    public static ArArchive read(final Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            final long length = ch.size();
            final ByteBuffer magic = ByteBuffer.allocate(MAGIC.length);
            readFully(ch, magic, 0);
            if (magic.position() < MAGIC.length || !java.util.Arrays.equals(magic.array(), MAGIC)) {
                throw FirmwareRejected.invalid("not-a-deb", "not a Debian package: the file is not an ar archive (no '!<arch>' magic)");
            }
            final List<Member> members = new ArrayList<>();
            long pos = MAGIC.length;
            while (pos < length) {
                if (length - pos < 60) {
                    throw FirmwareRejected.invalid("truncated", "truncated ar archive: incomplete member header at offset " + pos);
                }
                final ByteBuffer header = ByteBuffer.allocate(60);
                readFully(ch, header, pos);
                final String h = new String(header.array(), StandardCharsets.US_ASCII);
                if (h.charAt(58) != '`' || h.charAt(59) != '\n') {
                    throw FirmwareRejected.invalid("bad-ar-header", "corrupt ar archive: bad member header at offset " + pos);
                }
                String name = h.substring(0, 16).stripTrailing();
                if (name.endsWith("/") && name.length() > 1) {
                    name = name.substring(0, name.length() - 1);
                }
                final String sizeText = h.substring(48, 58).strip();
                final long size;
                try {
                    size = Long.parseLong(sizeText);
                } catch (NumberFormatException e) {
                    throw FirmwareRejected.invalid("bad-ar-header", "corrupt ar archive: member '" + name + "' has size '" + sizeText + "'");
                }
                if (size < 0) {
                    throw FirmwareRejected.invalid("bad-ar-header", "corrupt ar archive: member '" + name + "' has a negative size");
                }
                final long data = pos + 60;
                if (data + size > length) {
                    throw FirmwareRejected.invalid("truncated", "truncated package: ar member '" + name + "' needs " + size
                            + " bytes but only " + (length - data) + " remain");
                }
                members.add(new Member(name, data, size));
                pos = data + size + (size % 2);
            }
            return new ArArchive(file, List.copyOf(members));
        }
    }

    public List<Member> members() {
        return members;
    }

    /** A stream over one member's bytes. */
    public InputStream open(final Member member) throws IOException {
        final FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        ch.position(member.offset());
        return new BoundedInputStream(Channels.newInputStream(ch), member.size());
    }

    /** Reads up to {@code max} bytes of a member (for small members such as debian-binary). */
    public byte[] readSmall(final Member member, final int max) throws IOException {
        try (InputStream in = open(member)) {
            return in.readNBytes((int) Math.min(max, member.size()));
        }
    }

    private static void readFully(final FileChannel ch, final ByteBuffer buffer, final long position) throws IOException {
        long p = position;
        while (buffer.hasRemaining()) {
            final int n = ch.read(buffer, p);
            if (n < 0) {
                return;
            }
            p += n;
        }
    }

    /** Limits a stream to a member's size, closing the underlying channel with it. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedInputStream(final InputStream in, final long size) {
            this.in = in;
            this.remaining = size;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            final int b = in.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(final byte[] b, final int off, final int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            final int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
