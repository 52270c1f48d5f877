package io.caravan.wsticket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class OutageLogTest {

    private final OutageLog outage = new OutageLog(() -> "test store", "nothing works", Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));

    @Test
    void logsOnlyTheTransitions() {
        assertThat(outage.isDown()).isFalse();
        assertThat(outage.succeeded()).isFalse();

        assertThat(outage.failed(new IOException("refused"))).isTrue();
        assertThat(outage.failed(new IOException("refused"))).isFalse();
        assertThat(outage.failed(new IOException("refused"))).isFalse();
        assertThat(outage.isDown()).isTrue();
        assertThat(outage.downSince()).isEqualTo(Instant.EPOCH);

        assertThat(outage.succeeded()).isTrue();
        assertThat(outage.succeeded()).isFalse();
        assertThat(outage.isDown()).isFalse();

        assertThat(outage.failed(new IOException("again"))).as("a second outage is logged again").isTrue();
    }

    @Test
    void rootMessageNamesTheInnermostCause() {
        final Exception wrapped = new RuntimeException("outer", new IllegalStateException("middle", new IOException("Connection refused")));
        assertThat(OutageLog.rootMessage(wrapped)).isEqualTo("IOException: Connection refused");
        assertThat(OutageLog.rootMessage(new IOException())).isEqualTo("IOException");
    }
}
