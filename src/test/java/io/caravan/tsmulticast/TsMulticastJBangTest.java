package io.caravan.tsmulticast;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;

import io.caravan.common.FreePorts;
import io.caravan.common.JBangFlow;
import io.caravan.common.RealBrokers;
import io.caravan.common.RealBrokersExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** routes/ts-multicast alone under Camel JBang's runtime: its control API answers (no channel is started). */
@ExtendWith(RealBrokersExtension.class)
class TsMulticastJBangTest {

    @Test
    void controlApiAnswersUnderCamelJBang() {
        final RealBrokers brokers = RealBrokers.get();
        final int port = FreePorts.next();
        try (JBangFlow flow = JBangFlow.start("ts-multicast", port, Map.of("oauth2.issuers", "caravan",
                "oauth2.issuer.caravan.uri", brokers.oidcIssuer(), "oauth2.issuer.caravan.audience", "api://caravan"))) {
            final ControlApi api = new ControlApi(port);
            assertThat(api.list(null).statusCode()).as(flow.log()).isEqualTo(401);
            final String admin = ControlApi.token(brokers.oidcIssuer(), "caravan-admin");
            final HttpResponse<String> list = api.list(admin);
            assertThat(list.statusCode()).as(list.body() + "\n" + flow.log()).isEqualTo(200);
            assertThat(list.body()).contains("\"id\":\"demo\"", "\"state\":\"stopped\"", "\"lateDatagrams\":0");
            assertThat(api.post("demo", "stop", admin).statusCode()).isEqualTo(200);
            assertThat(api.post("nope", "start", admin).statusCode()).isEqualTo(404);
        }
    }
}
