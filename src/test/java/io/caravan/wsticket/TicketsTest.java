package io.caravan.wsticket;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class TicketsTest {

    private final SecureRandom random = new SecureRandom();

    @Test
    void ticketIs256RandomBitsInBase64Url() {
        final String ticket = Tickets.newTicket(random);

        assertThat(ticket).hasSize(43).matches("[A-Za-z0-9_-]{43}");
        assertThat(Base64.getUrlDecoder().decode(ticket)).hasSize(32);
        assertThat(Tickets.wellFormed(ticket)).isTrue();
    }

    @Test
    void ticketsDoNotRepeat() {
        final Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertThat(seen.add(Tickets.newTicket(random))).isTrue();
        }
    }

    @Test
    void everyGeneratedTicketIsWellFormed() {
        for (int i = 0; i < 10_000; i++) {
            assertThat(Tickets.wellFormed(Tickets.newTicket(random))).isTrue();
        }
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"abc", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", // 42
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", // 44
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", // padding
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+", // base64, not base64url
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA ", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\u00e9",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB", // last char with stray low bits: not canonical
        "' OR 1=1 --AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})
    void malformedTicketsAreRecognisedWithoutAnyLookup(final String candidate) {
        assertThat(Tickets.wellFormed(candidate)).isFalse();
    }

    @Test
    void oversizedInputIsRefusedByLengthAlone() {
        assertThat(Tickets.wellFormed("A".repeat(1_000_000))).isFalse();
    }

    @Test
    void hashIsHexSha256AndDiffersPerTicket() {
        final String a = Tickets.newTicket(random);
        final String b = Tickets.newTicket(random);

        assertThat(Tickets.sha256Hex(a)).hasSize(64).matches("[0-9a-f]{64}").isEqualTo(Tickets.sha256Hex(a)).isNotEqualTo(Tickets.sha256Hex(b));
        // a known vector: SHA-256("abc")
        assertThat(Tickets.sha256Hex("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
