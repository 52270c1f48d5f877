package io.caravan;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The gateway: every flow under routes/ in one Spring Boot application. Each flow's YAML is
 * loaded from classpath:routes/ (the same files `camel run` and Camel K use) and each flow's
 * Spring wiring lives in its own package.
 */
@SpringBootApplication
public class CaravanApplication {

    public static void main(final String[] args) {
        SpringApplication.run(CaravanApplication.class, args);
    }
}
