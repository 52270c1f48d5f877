package io.caravan.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** routes/status runs alone under Camel JBang's runtime and answers on its interface. */
class StatusJBangTest {

    @Test
    void statusFlowRunsAloneUnderCamelJBang() {
        final int port = FreePorts.next();
        try (JBangFlow flow = JBangFlow.start("status", port, Map.of())) {
            final HttpResponse<String> response = HttpTestClient.get("http://127.0.0.1:" + port + "/api/status");

            assertThat(response.statusCode()).as(flow.log()).isEqualTo(200);
            assertThat(response.body()).contains("\"status-describe\":\"Started\"");

            final HttpResponse<String> openApi = HttpTestClient.get("http://127.0.0.1:" + port + "/api/openapi.json");
            assertThat(openApi.statusCode()).as(flow.log()).isEqualTo(200);
            assertThat(openApi.body()).contains("\"openapi\" : \"3.", "\"/api/status\"").doesNotContain("/api/whoami");
        }
    }
}
