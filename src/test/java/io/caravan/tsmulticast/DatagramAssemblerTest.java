package io.caravan.tsmulticast;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class DatagramAssemblerTest {

    @Test
    void sevenPacketsMakeOneDatagramTimedByItsFirstPacket() {
        final List<byte[]> out = new ArrayList<>();
        final List<Long> at = new ArrayList<>();
        final DatagramAssembler a = new DatagramAssembler((d, t) -> {
            out.add(d);
            at.add(t);
        });
        for (int i = 0; i < 15; i++) {
            a.packet(TsFixtures.packet(0x100 + i, false, 0), 0, 100L * i);
        }
        assertThat(out).hasSize(2);
        assertThat(out.get(0)).hasSize(1316);
        assertThat(at).containsExactly(0L, 700L);
        assertThat(TsPackets.pid(out.get(1), 6 * 188)).isEqualTo(0x100 + 13);
        a.finish();
        assertThat(out).hasSize(3);
        assertThat(out.get(2)).hasSize(1316);
        assertThat(TsPackets.pid(out.get(2), 0)).isEqualTo(0x100 + 14);
        assertThat(TsPackets.pid(out.get(2), 188)).isEqualTo(TsPackets.NULL_PID);
        a.finish();
        assertThat(out).hasSize(3);
    }
}
