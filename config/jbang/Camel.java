package io.caravan.cli;

/**
 * The `camel` command: Camel JBang's CLI (camel-jbang-core's CamelJBangMain, which has no main
 * method of its own) on the classpath Maven resolved from config/jbang/pom.xml.
 */
public final class Camel {

    private Camel() {
    }

    public static void main(final String[] args) {
        org.apache.camel.dsl.jbang.core.commands.CamelJBangMain.run(args);
    }
}
