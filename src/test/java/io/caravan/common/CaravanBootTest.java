package io.caravan.common;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.caravan.CaravanApplication;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The whole gateway (every flow) on a random port, against the real brokers of this test JVM.
 * {@link RealBrokersExtension} is registered first, so the brokers run before the context starts.
 * Metrics export stays on (Boot tests turn it off by default) so /actuator/prometheus is tested too.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RealBrokersExtension.class)
@CamelSpringBootTest
@AutoConfigureObservability
@SpringBootTest(classes = CaravanApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public @interface CaravanBootTest {
}
