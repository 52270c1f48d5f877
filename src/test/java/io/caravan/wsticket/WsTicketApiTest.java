package io.caravan.wsticket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravan.common.RealBrokers;
import io.caravan.common.RealBrokersExtension;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link WsTicketApi#issue} against real Redis: it waits on the caller's thread and fails with the store's own exception. */
@ExtendWith(RealBrokersExtension.class)
class WsTicketApiTest {

    private final DefaultCamelContext camel = new DefaultCamelContext();
    private LettuceTicketStore store;

    @BeforeEach
    void setUp() {
        store = new LettuceTicketStore();
        store.setPort(RealBrokers.get().redisPort());
    }

    @AfterEach
    void tearDown() throws Exception {
        store.close();
        camel.close();
    }

    private Exchange request() {
        final Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setHeader(WsTicketApi.SUBJECT_HEADER, "alice");
        return exchange;
    }

    @Test
    void issuesOnTheCallersThreadOnceRedisHasAnswered() {
        final WsTicketApi api = new WsTicketApi(new TicketService(store));
        final String body = api.issue(request());
        assertThat(body).contains("\"ticket\"").contains("\"expiresAt\"").contains("\"url\"");
    }

    @Test
    void withoutASubjectNothingIsIssued() {
        final WsTicketApi api = new WsTicketApi(new TicketService(store));
        assertThatThrownBy(() -> api.issue(new DefaultExchange(camel))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void redisDownIsAStoreUnavailableExceptionItself() {
        final LettuceTicketStore nowhere = new LettuceTicketStore();
        nowhere.setPort(1); // loopback port 1 refuses at once
        nowhere.setTimeoutMillis(500);
        try {
            final WsTicketApi api = new WsTicketApi(new TicketService(nowhere));
            assertThatThrownBy(() -> api.issue(request())).isInstanceOf(StoreUnavailableException.class);
        } finally {
            nowhere.close();
        }
    }
}
