package io.caravan.tsmulticast;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.common.CaravanBootTest;
import io.caravan.common.RealBrokers;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The control API of the whole gateway over real HTTP, behind the oauth2 policy with tokens from
 * the real dev issuer. No channel is started here: multicast is only sent inside a private network
 * namespace ({@link MulticastNamespaceTest}).
 */
@CaravanBootTest
class TsMulticastApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    private ControlApi api() {
        return new ControlApi(port);
    }

    private static String admin() {
        return ControlApi.token(RealBrokers.get().oidcIssuer(), "caravan-admin");
    }

    @Test
    void listingNeedsABearerToken() {
        final HttpResponse<String> r = api().list(null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    }

    @Test
    void aTokenWithoutTheControlScopeIsForbidden() {
        final String reader = ControlApi.token(RealBrokers.get().oidcIssuer(), "caravan-reader");
        assertThat(api().list(reader).statusCode()).isEqualTo(403);
        assertThat(api().post("demo", "start", reader).statusCode()).isEqualTo(403);
    }

    @Test
    void listsTheConfiguredChannelsWithTheirLiveStats() throws Exception {
        final HttpResponse<String> r = api().list(admin());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        final JsonNode demo = JSON.readTree(r.body()).get(0);
        assertThat(demo.get("id").asText()).isEqualTo("demo");
        assertThat(demo.get("state").asText()).isEqualTo("stopped");
        assertThat(demo.get("group").asText()).isEqualTo("239.10.0.1");
        for (final String stat : new String[] {"bitrate", "datagrams", "lateDatagrams", "errors", "jitterMicros"}) {
            assertThat(demo.has(stat)).as(stat).isTrue();
        }
    }

    @Test
    void stoppingAStoppedChannelAnswersItsState() throws Exception {
        final HttpResponse<String> r = api().post("demo", "stop", admin());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("state").asText()).isEqualTo("stopped");
    }

    @Test
    void anUnknownChannelIs404ProblemJson() throws Exception {
        final HttpResponse<String> r = api().post("nope", "start", admin());
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(JSON.readTree(r.body()).get("detail").asText()).contains("no channel 'nope'");
    }

    @Test
    void anUnknownActionIs400() throws Exception {
        final HttpResponse<String> r = api().post("demo", "pause", admin());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).get("detail").asText()).contains("start or stop");
    }
}
