package io.caravan.common;

/**
 * Camel JBang's CLI on the hand-built classpath of src/test/jbang/pom.xml, which the benchmarks
 * (the run.sh of src/test/bench/oauth2, ws-ticket, mqtt-acl) still run flows on; the tests use the `camel` command (JBangFlow). Called by
 * reflection so that camel-jbang-core stays off the test classpath of the Spring Boot tests.
 */
public final class JBangLauncher {

    private JBangLauncher() {
    }

    public static void main(final String[] args) throws ReflectiveOperationException {
        Class.forName("org.apache.camel.dsl.jbang.core.commands.CamelJBangMain")
                .getMethod("run", String[].class)
                .invoke(null, (Object) args);
    }
}
