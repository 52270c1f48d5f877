package io.caravan.eventsfanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeviceCommandTest {

    @Test
    void stringCommandIsSentAsItsText() {
        final DeviceCommand c = DeviceCommand.parse("{\"deviceId\":\"d1\",\"command\":\"reboot\"}");
        assertThat(c.deviceId()).isEqualTo("d1");
        assertThat(new String(c.payload(), StandardCharsets.UTF_8)).isEqualTo("reboot");
        assertThat(c.topic()).isEqualTo("devices/d1/commands");
    }

    @Test
    void structuredCommandIsSentAsJson() {
        final DeviceCommand c = DeviceCommand.parse("{\"command\":{\"set\":{\"led\":true}},\"deviceId\":\"lamp-7\",\"extra\":1}");
        assertThat(new String(c.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"set\":{\"led\":true}}");
        assertThat(new String(DeviceCommand.parse("{\"deviceId\":\"d\",\"command\":5}").payload(), StandardCharsets.UTF_8)).isEqualTo("5");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "not json", "[1,2]", "\"x\"", "{}", "{\"deviceId\":\"d1\"}", "{\"command\":\"x\"}",
            "{\"deviceId\":5,\"command\":\"x\"}", "{\"deviceId\":\"d1\",\"command\":null}", "{\"deviceId\":\"d1\",\"command\":\"\"}",
            "{\"deviceId\":\"\",\"command\":\"x\"}", "{\"deviceId\":\"+\",\"command\":\"x\"}", "{\"deviceId\":\"#\",\"command\":\"x\"}",
            "{\"deviceId\":\"d1/../d2\",\"command\":\"x\"}", "{\"deviceId\":\"d.1\",\"command\":\"x\"}", "{\"deviceId\":\"$SYS\",\"command\":\"x\"}",
            "{\"deviceId\":\"d 1\",\"command\":\"x\"}", "{\"deviceId\":\"d\\u00001\",\"command\":\"x\"}", "{\"deviceId\":\"d1\",\"command\":\"x\""})
    void badMessagesAreRefusedWithAReason(final String message) {
        assertThatThrownBy(() -> DeviceCommand.parse(message)).isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("Exception");
    }

    @Test
    void nullAndOversizedMessages() {
        assertThatThrownBy(() -> DeviceCommand.parse(null)).isInstanceOf(IllegalArgumentException.class);
        final String big = "{\"deviceId\":\"d1\",\"command\":\"" + "x".repeat(DeviceCommand.MAX_MESSAGE_BYTES) + "\"}";
        assertThatThrownBy(() -> DeviceCommand.parse(big)).hasMessageContaining("larger");
        final String bigUtf8 = "{\"deviceId\":\"d1\",\"command\":\"" + "é".repeat(DeviceCommand.MAX_MESSAGE_BYTES / 2) + "\"}";
        assertThatThrownBy(() -> DeviceCommand.parse(bigUtf8)).hasMessageContaining("larger");
    }

    @Test
    void onlyObjectsWithCommandMembersAreTakenAsCommands() {
        assertThat(DeviceCommand.looksLikeCommand("{\"deviceId\":\"d1\",\"command\":\"x\"}")).isTrue();
        assertThat(DeviceCommand.looksLikeCommand(" {\"command\":1}")).isTrue();
        assertThat(DeviceCommand.looksLikeCommand("{\"deviceId\":")).as("broken object: answered as a bad command").isTrue();
        assertThat(DeviceCommand.looksLikeCommand("whoami")).isFalse();
        assertThat(DeviceCommand.looksLikeCommand("{\"type\":\"ping\"}")).isFalse();
        assertThat(DeviceCommand.looksLikeCommand("[{\"deviceId\":\"d1\"}]")).isFalse();
        assertThat(DeviceCommand.looksLikeCommand("")).isFalse();
        assertThat(DeviceCommand.looksLikeCommand(null)).isFalse();
    }

    @Test
    void deviceIds() {
        assertThat(DeviceCommand.isValidDeviceId("sensor-42_A")).isTrue();
        assertThat(DeviceCommand.isValidDeviceId("x".repeat(128))).isTrue();
        assertThat(DeviceCommand.isValidDeviceId("x".repeat(129))).isFalse();
        assertThat(DeviceCommand.isValidDeviceId("a*b")).isFalse();
        assertThat(DeviceCommand.isValidDeviceId(null)).isFalse();
    }

    @Test
    void stateTopicsMapToRoutingKeys() {
        assertThat(DeviceTopics.stateRoutingKey("devices/d1/state")).isEqualTo(Optional.of("devices.d1.state"));
        assertThat(DeviceTopics.stateRoutingKey("devices/lamp-7/state")).contains("devices.lamp-7.state");
        assertThat(DeviceTopics.stateRoutingKey("devices/d1/events/x")).isEmpty();
        assertThat(DeviceTopics.stateRoutingKey("devices//state")).isEmpty();
        assertThat(DeviceTopics.stateRoutingKey("devices/a/b/state")).isEmpty();
        assertThat(DeviceTopics.stateRoutingKey("devices/a.b/state")).isEmpty();
        assertThat(DeviceTopics.stateRoutingKey("devices/state")).isEmpty();
        assertThat(DeviceTopics.stateRoutingKey("other/d1/state")).isEmpty();
        assertThat(DeviceTopics.stateRoutingKey(null)).isEmpty();
    }
}
