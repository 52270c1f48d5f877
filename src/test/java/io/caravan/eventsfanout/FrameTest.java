package io.caravan.eventsfanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FrameTest {

    @Test
    void aFrameCarriesItsTextUnchanged() {
        assertThat(Frame.of("{\"a\":\"é\"}").text()).isEqualTo("{\"a\":\"é\"}");
        assertThat(Frame.of("x".repeat(70_000)).text()).hasSize(70_000);
    }

    @Test
    void aFrameWithoutTextIsRefused() {
        assertThatThrownBy(() -> Frame.of(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
