package io.caravan.eventsfanout;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class FrameTest {

    private static byte[] bytes(final ByteBuffer b) {
        final byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    @Test
    void shortTextIsOneFinalTextFrameWithASevenBitLength() {
        final Frame f = Frame.of("{\"a\":1}");
        final byte[] wire = bytes(f.wire());
        assertThat(wire[0] & 0xff).isEqualTo(0x81); // FIN, RSV 000, opcode text
        assertThat(wire[1] & 0xff).isEqualTo(7);    // no mask bit, length 7
        assertThat(new String(wire, 2, wire.length - 2, StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
        assertThat(f.text()).isEqualTo("{\"a\":1}");
    }

    @Test
    void lengthCountsUtf8BytesAndUses16BitsFrom126() {
        final String text = "é".repeat(100); // 200 bytes
        final byte[] wire = bytes(Frame.of(text).wire());
        assertThat(wire[1] & 0xff).isEqualTo(126);
        assertThat(((wire[2] & 0xff) << 8) | (wire[3] & 0xff)).isEqualTo(200);
        assertThat(wire).hasSize(4 + 200);
        assertThat(new String(wire, 4, 200, StandardCharsets.UTF_8)).isEqualTo(text);

        final byte[] edge = bytes(Frame.of("x".repeat(125)).wire());
        assertThat(edge[1] & 0xff).isEqualTo(125);
        assertThat(edge).hasSize(127);
        final byte[] max = bytes(Frame.of("x".repeat(Frame.MAX_PREBUILT_PAYLOAD)).wire());
        assertThat(max[1] & 0xff).isEqualTo(126);
        assertThat(((max[2] & 0xff) << 8) | (max[3] & 0xff)).isEqualTo(65_535);
        assertThat(max).hasSize(4 + 65_535);
    }

    @Test
    void messagesBeyondTheFrameLimitAreNotPrebuilt() {
        assertThat(Frame.of("x".repeat(Frame.MAX_PREBUILT_PAYLOAD + 1)).wire()).isNull();
        assertThat(Frame.of("x".repeat(Frame.MAX_PREBUILT_PAYLOAD + 1)).text()).hasSize(Frame.MAX_PREBUILT_PAYLOAD + 1);
    }

    @Test
    void everyViewIsIndependentAndReadOnly() {
        final Frame f = Frame.of("hello");
        final ByteBuffer a = f.wire();
        a.get(new byte[a.remaining()]);
        final ByteBuffer b = f.wire();
        assertThat(b.remaining()).isEqualTo(7);
        assertThat(b.isReadOnly()).isTrue();
        assertThat(b.isDirect()).isTrue();
    }
}
