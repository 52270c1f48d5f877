package io.caravan.tsmulticast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ChannelConfigTest {

    private static Map<String, String> base() {
        final Map<String, String> m = new HashMap<>();
        m.put("ts-multicast.channel.news.source", "/srv/news/index.m3u8");
        m.put("ts-multicast.channel.news.group", "239.1.2.3");
        m.put("ts-multicast.default.port", "5000");
        return m;
    }

    @Test
    void channelKeysWinOverDefaults() {
        final Map<String, String> m = base();
        m.put("ts-multicast.default.ttl", "4");
        m.put("ts-multicast.channel.news.ttl", "7");
        final ChannelConfig c = ChannelConfig.from("news", m);
        assertThat(c.ttl()).isEqualTo(7);
        assertThat(c.port()).isEqualTo(5000);
        assertThat(c.iface()).isEqualTo("lo");
        assertThat(c.loop()).isTrue();
        assertThat(c.autostart()).isFalse();
        assertThat(c.bitrate()).isEqualTo(2_000_000);
        assertThat(c.output()).isEqualTo(ChannelConfig.OUTPUT_NETTY);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "group|10.0.0.1|IPv4 multicast",
        "group|240.0.0.1|IPv4 multicast",
        "group|239.1.2|IPv4 multicast",
        "port|0|port must be",
        "port|70000|port must be",
        "port|abc|not a number",
        "ttl|256|ttl must be",
        "bitrate|5|bitrate must be",
        "output|udp|output must be camel-route or netty-channel",
        "source| |source is required"})
    void rejectsBadValuesWithAClearMessage(final String key, final String value, final String message) {
        final Map<String, String> m = base();
        m.put("ts-multicast.channel.news." + key, value == null ? "" : value);
        if (key.equals("source")) {
            m.remove("ts-multicast.channel.news.source");
        }
        assertThatThrownBy(() -> ChannelConfig.from("news", m)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void rejectsABadId() {
        assertThatThrownBy(() -> ChannelConfig.from("News!", base())).hasMessageContaining("channel id");
    }
}
