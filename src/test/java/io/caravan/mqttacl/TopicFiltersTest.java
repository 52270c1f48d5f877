package io.caravan.mqttacl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicFiltersTest {

    @ParameterizedTest(name = "grant {0} covers {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "#            | a            | true",
        "#            | a/b/c        | true",
        "#            | #            | true",
        "#            | +/#          | true",
        "#            | $SYS/x       | false",
        "#            | $SYS/#       | false",
        "+/#          | $SYS/x       | false",
        "+            | $x           | false",
        "$SYS/#       | $SYS/x       | true",
        "$SYS/#       | $SYS/#       | true",
        "a/#          | a            | true",
        "a/#          | a/#          | true",
        "a/#          | a/+          | true",
        "a/#          | a/b/c        | true",
        "a/#          | #            | false",
        "a/#          | +/#          | false",
        "a/#          | b            | false",
        "a/+          | a/b          | true",
        "a/+          | a/+          | true",
        "a/+          | a/#          | false",
        "a/+          | a            | false",
        "a/+          | a/b/c        | false",
        "a/+          | a/          | true",
        "a/+/c        | a/+/c        | true",
        "a/+/c        | a/b/c        | true",
        "a/+/c        | a/b/+        | false",
        "a/b          | a/b          | true",
        "a/b          | a/+          | false",
        "a/b          | a/b/c        | false",
        "a/b          | a            | false",
        "a/b          | A/b          | false",
        "+/+          | a/b          | true",
        "+/+          | a/#          | false",
        "+/+/#        | a/b          | true",
        "+/+/#        | a            | false",
        "/a           | /a           | true",
        "+/a          | /a           | true",
        "a//b         | a//b         | true",
        "a/+/b        | a//b         | true",
    })
    void coverage(final String grant, final String requested, final boolean expected) {
        assertThat(TopicFilters.covers(grant.trim(), requested.trim())).isEqualTo(expected);
    }

    @ParameterizedTest(name = "filter {0} valid: {1}")
    @CsvSource(delimiter = '|', value = {
        "#        | true", "+        | true", "a/+/b    | true", "a/#      | true", "+/+      | true", "/        | true",
        "a/#/b    | false", "a#       | false", "a/b#     | false", "a+/b     | false", "++       | false", "##       | false",
        "a/+b     | false",
    })
    void filterValidity(final String filter, final boolean expected) {
        assertThat(TopicFilters.isValidFilter(filter.trim())).isEqualTo(expected);
    }

    @ParameterizedTest(name = "topic {0} valid: {1}")
    @CsvSource(delimiter = '|', value = {
        "a/b      | true", "/        | true", "a        | true", "$SYS/x   | true",
        "a/+      | false", "#        | false", "a#b      | false",
    })
    void topicValidity(final String topic, final boolean expected) {
        assertThat(TopicFilters.isValidTopic(topic.trim())).isEqualTo(expected);
    }
}
