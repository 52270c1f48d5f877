package io.caravan.wsticket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TicketClaimsTest {

    private static final Instant T = Instant.parse("2026-11-26T12:00:00.123Z");

    @Test
    void roundTripsThroughJson() {
        final TicketClaims claims = new TicketClaims("alice", T, "https://app.example");

        assertThat(claims.toJson()).isEqualTo("{\"sub\":\"alice\",\"iat\":" + T.toEpochMilli() + ",\"origin\":\"https://app.example\"}");
        assertThat(TicketClaims.fromJson(claims.toJson())).hasValue(claims);
    }

    @Test
    void unboundClaimsHaveNoOriginAndAllowAny() {
        final TicketClaims claims = new TicketClaims("alice", T, " ");

        assertThat(claims.origin()).isNull();
        assertThat(claims.toJson()).doesNotContain("origin");
        assertThat(claims.allowsOrigin(null)).isTrue();
        assertThat(claims.allowsOrigin("https://evil.example")).isTrue();
    }

    @Test
    void boundClaimsAllowOnlyTheExactOrigin() {
        final TicketClaims claims = new TicketClaims("alice", T, "https://app.example");

        assertThat(claims.allowsOrigin("https://app.example")).isTrue();
        assertThat(claims.allowsOrigin("https://app.example:443")).isFalse();
        assertThat(claims.allowsOrigin("https://APP.example")).isFalse();
        assertThat(claims.allowsOrigin("https://app.example.evil")).isFalse();
        assertThat(claims.allowsOrigin("null")).isFalse();
        assertThat(claims.allowsOrigin(null)).isFalse();
    }

    @Test
    void subjectIsRequired() {
        assertThatThrownBy(() -> new TicketClaims(" ", T, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TicketClaims(null, T, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[]", "{}", "{\"sub\":\"a\"}", "{\"iat\":1}", "{\"sub\":1,\"iat\":1}",
        "{\"sub\":\"\",\"iat\":1}", "{\"sub\":\"a\",\"iat\":\"x\"}"})
    void foreignValuesAreNotClaims(final String json) {
        assertThat(TicketClaims.fromJson(json)).isEmpty();
    }
}
