package io.caravan.firmwarepublish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;

import io.caravan.common.ProjectDir;
import org.eclipse.paho.mqttv5.common.util.MqttTopicValidator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Issue 21 item 5: package names with + or . give a valid MQTT topic and a one-word AMQP routing-key segment. */
class NotificationNamesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "fw-core,     fw-core,          fw-core",
        "fw+plus,     fw%2Bplus,        fw%2Bplus",
        "fw.core,     fw.core,          fw%2Ecore",
        "fw+plus.v2,  fw%2Bplus.v2,     fw%2Bplus%2Ev2",
        "'a#b/c*d%e', a%23b%2Fc*d%25e,  a%23b%2Fc%2Ad%25e",
        "'é x',       %C3%A9%20x,       %C3%A9%20x"})
    void encodesTheCharactersThatAreSpecialWhereTheNameIsUsed(final String name, final String mqtt, final String amqp) {
        assertThat(NotificationNames.mqttLevel(name)).isEqualTo(mqtt);
        assertThat(NotificationNames.amqpWord(name)).isEqualTo(amqp);
        assertThat(NotificationNames.decode(mqtt)).isEqualTo(name);
        assertThat(NotificationNames.decode(amqp)).isEqualTo(name);
        // a topic a message can be published to (no wildcard), one level under firmware/
        MqttTopicValidator.validate("firmware/" + mqtt, false, false);
        assertThat(("firmware/" + mqtt).split("/", -1)).hasSize(2);
        // exactly one word between firmware. and .published
        assertThat(("firmware." + amqp + ".published").split("\\.", -1)).hasSize(3);
    }

    @Test
    void theUnencodedTopicOfAPlusNameIsNotPublishable() {
        assertThatThrownBy(() -> MqttTopicValidator.validate("firmware/fw+plus", false, false)).isInstanceOf(IllegalArgumentException.class);
    }

    /** events-fanout's queue is bound with keys that take the firmware event (what it then does with it is events-fanout's business). */
    @Test
    void eventsFanoutBindsTheFirmwareEvents() throws IOException {
        final Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(ProjectDir.resolve("routes/events-fanout/application.properties"))) {
            props.load(in);
        }
        final List<String> keys = Arrays.stream(props.getProperty("events-fanout.rabbitmq.binding-keys").split(",")).map(String::strip).toList();
        for (final String pkg : List.of("fw-core", "fw+plus.v2")) {
            final String routingKey = "firmware." + NotificationNames.amqpWord(pkg) + ".published";
            assertThat(keys).as(routingKey).anyMatch(binding -> topicMatches(binding, routingKey));
        }
        assertThat(topicMatches("users.#", "firmware.fw-core.published")).isFalse();
    }

    /** RabbitMQ topic matching: words split on '.', '*' one word, '#' zero or more. */
    static boolean topicMatches(final String binding, final String key) {
        final StringBuilder regex = new StringBuilder("^");
        final String[] words = binding.split("\\.", -1);
        for (int i = 0; i < words.length; i++) {
            final String w = words[i];
            if (w.equals("#")) {
                regex.append(i == 0 ? "(?:[^.]+(?:\\.[^.]+)*)?" : "(?:\\.[^.]+)*");
                continue;
            }
            if (i > 0) {
                regex.append("\\.");
            }
            regex.append(w.equals("*") ? "[^.]+" : Pattern.quote(w));
        }
        return key.matches(regex.append('$').toString());
    }
}
