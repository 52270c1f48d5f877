package io.caravan.oauth2;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import io.caravan.common.FreePorts;
import io.caravan.common.HttpTestClient;
import io.caravan.common.JBangFlow;
import io.caravan.common.RealBrokers;
import io.caravan.common.RealBrokersExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** routes/oauth2 alone under Camel JBang's runtime, against the real dev issuer. */
@ExtendWith(RealBrokersExtension.class)
class OAuth2JBangTest {

    @Test
    void whoamiRunsAloneUnderCamelJBang() {
        final RealBrokers brokers = RealBrokers.get();
        final int port = FreePorts.next();
        try (JBangFlow flow = JBangFlow.start("oauth2", port, Map.of("oauth2.issuer.caravan.uri", brokers.oidcIssuer()))) {
            final String url = "http://127.0.0.1:" + port + "/api/whoami";
            final HttpResponse<String> anonymous = HttpTestClient.get(url);
            assertThat(anonymous.statusCode()).as(flow.log()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"caravan\"");

            final String token = DevIssuerTokens.clientCredentials(brokers.oidcIssuer(), "caravan-reader", null);
            final HttpResponse<String> ok = HttpTestClient.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                    .header("Authorization", "Bearer " + token).GET().build());
            assertThat(ok.statusCode()).as(ok.body() + "\n" + flow.log()).isEqualTo(200);
            assertThat(ok.body()).contains("\"subject\":\"caravan-reader\"", "\"issuer\":\"" + brokers.oidcIssuer() + "\"", "\"whoami\"");

            final HttpResponse<String> forged = HttpTestClient.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                    .header("Authorization", "Bearer " + token.substring(0, token.length() - 4) + "AAAA").GET().build());
            assertThat(forged.statusCode()).isEqualTo(401);
            assertThat(flow.log()).doesNotContain(token);
        }
    }
}
