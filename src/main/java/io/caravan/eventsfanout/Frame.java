package io.caravan.eventsfanout;

/**
 * One outgoing WebSocket text message, built once per event and shared by every socket it goes to
 * (each socket's {@link Outbox} holds the same instance; the socket writes it with Vert.x's public
 * {@code writeTextMessage}).
 */
public final class Frame {

    private final String text;

    private Frame(final String text) {
        this.text = text;
    }

    /** A frame of {@code text}. */
    public static Frame of(final String text) {
        if (text == null) {
            throw new IllegalArgumentException("a frame needs a text");
        }
        return new Frame(text);
    }

    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }
}
