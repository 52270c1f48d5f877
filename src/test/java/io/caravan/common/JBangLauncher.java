package io.caravan.common;

/**
 * `camel` (Camel JBang's CLI) on a Maven-built classpath (src/test/jbang/pom.xml). Called by
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
