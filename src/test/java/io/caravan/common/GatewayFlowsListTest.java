package io.caravan.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** The gateway carries every flow under routes/: its YAML and its properties are both listed. */
class GatewayFlowsListTest {

    @Test
    void everyFlowIsLoadedByTheGateway() throws Exception {
        final Properties app = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/application.properties")) {
            app.load(in);
        }
        final String routes = app.getProperty("camel.main.routes-include-pattern");
        final String imports = app.getProperty("spring.config.import");
        for (final Path yaml : RouteFiles.all()) {
            final String flow = yaml.getParent().getFileName().toString();
            assertThat(routes).contains("classpath:routes/" + flow + "/" + flow + ".camel.yaml");
            assertThat(imports).contains("optional:classpath:routes/" + flow + "/application.properties");
        }
    }
}
