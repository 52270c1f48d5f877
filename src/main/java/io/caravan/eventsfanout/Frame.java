package io.caravan.eventsfanout;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One outgoing WebSocket text message, built once per event and shared by every socket it goes to:
 * the text and, encoded once, the complete server-to-client wire frame (FIN + text opcode, unmasked
 * length header, UTF-8 payload) in a read-only direct buffer. A server frame is not masked, so the
 * bytes are the same for every connection: a socket writes a view of them instead of encoding the
 * String per socket (UTF-8 encoding, frame header, a pooled copy per write).
 *
 * <p>The direct buffer is a JDK one (freed by the garbage collector when the frame and its views are
 * gone), so no reference counting crosses sockets or threads.
 */
public final class Frame {

    /**
     * Largest payload sent as one pre-encoded frame (a 16-bit length); a larger message goes through
     * Vert.x, which splits it at the server's frame size (ws-ticket's {@code ws-ticket.ws.max-frame-bytes},
     * 65,536 by default, the default frame limit of Vert.x clients too).
     */
    public static final int MAX_PREBUILT_PAYLOAD = 65_535;

    private final String text;
    private final ByteBuffer wire;

    private Frame(final String text, final ByteBuffer wire) {
        this.text = text;
        this.wire = wire;
    }

    /** A frame of {@code text}, encoded once. */
    public static Frame of(final String text) {
        final byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        if (payload.length > MAX_PREBUILT_PAYLOAD) {
            return new Frame(text, null);
        }
        final int header = payload.length < 126 ? 2 : 4;
        final ByteBuffer b = ByteBuffer.allocateDirect(header + payload.length);
        b.put((byte) 0x81); // FIN, opcode 1 (text), RSV bits clear (not compressed)
        if (payload.length < 126) {
            b.put((byte) payload.length);
        } else {
            b.put((byte) 126);
            b.putShort((short) payload.length);
        }
        b.put(payload);
        b.flip();
        return new Frame(text, b.asReadOnlyBuffer());
    }

    public String text() {
        return text;
    }

    /** A fresh read-only view of the wire frame (its own position), or null when the message is too large to pre-encode. */
    public ByteBuffer wire() {
        return wire == null ? null : wire.duplicate();
    }

    @Override
    public String toString() {
        return text;
    }
}
