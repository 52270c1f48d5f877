package io.caravan.wsticket;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.List;

import org.junit.jupiter.api.Test;

class HandshakeTicketTest {

    private final String t = Tickets.newTicket(new SecureRandom());
    private final String u = Tickets.newTicket(new SecureRandom());

    @Test
    void fromTheQueryParameter() {
        assertThat(HandshakeTicket.extract(List.of(t), List.of()).ticket()).isEqualTo(t);
        assertThat(HandshakeTicket.extract(List.of(t), null).ticket()).isEqualTo(t);
    }

    @Test
    void fromASubprotocolEntryAmongOthers() {
        assertThat(HandshakeTicket.extract(List.of(), List.of("caravan.events.v1, ticket." + t)).ticket()).isEqualTo(t);
        assertThat(HandshakeTicket.extract(null, List.of("caravan.events.v1", "ticket." + t)).ticket()).isEqualTo(t);
        assertThat(HandshakeTicket.extract(null, List.of("ticket." + t + ",caravan.events.v1")).ticket()).isEqualTo(t);
    }

    @Test
    void noneIsMissing() {
        assertThat(HandshakeTicket.extract(List.of(), List.of()).refusal()).isEqualTo(Redemption.Outcome.MISSING);
        assertThat(HandshakeTicket.extract(null, List.of("caravan.events.v1")).refusal()).isEqualTo(Redemption.Outcome.MISSING);
    }

    @Test
    void twoTicketsAreRefusedEvenWhenEqual() {
        assertThat(HandshakeTicket.extract(List.of(t, t), List.of()).refusal()).isEqualTo(Redemption.Outcome.MALFORMED);
        assertThat(HandshakeTicket.extract(List.of(t), List.of("ticket." + u)).refusal()).isEqualTo(Redemption.Outcome.MALFORMED);
        assertThat(HandshakeTicket.extract(null, List.of("ticket." + t + ", ticket." + t)).refusal()).isEqualTo(Redemption.Outcome.MALFORMED);
    }

    @Test
    void garbageAndOversizedAreMalformed() {
        assertThat(HandshakeTicket.extract(List.of(""), List.of()).refusal()).isEqualTo(Redemption.Outcome.MALFORMED);
        assertThat(HandshakeTicket.extract(List.of("abc"), List.of()).refusal()).isEqualTo(Redemption.Outcome.MALFORMED);
        assertThat(HandshakeTicket.extract(List.of(t + "A"), List.of()).refusal()).isEqualTo(Redemption.Outcome.MALFORMED);
        assertThat(HandshakeTicket.extract(List.of(), List.of("ticket.")).refusal()).isEqualTo(Redemption.Outcome.MALFORMED);
        assertThat(HandshakeTicket.extract(List.of(), List.of("ticket." + "A".repeat(5000))).refusal())
                .isEqualTo(Redemption.Outcome.MALFORMED);
        assertThat(HandshakeTicket.extract(List.of(), List.of("caravan.events.v1, " + "x".repeat(2000))).refusal())
                .isEqualTo(Redemption.Outcome.MALFORMED);
    }

    @Test
    void toStringNeverShowsTheTicket() {
        assertThat(HandshakeTicket.extract(List.of(t), List.of()).toString()).doesNotContain(t);
    }
}
