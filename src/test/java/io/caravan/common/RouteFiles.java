package io.caravan.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/** Loads flow YAML files the way Camel does, without starting them. */
public final class RouteFiles {

    private RouteFiles() {
    }

    /** Every routes/&lt;flow&gt;/&lt;flow&gt;.camel.yaml of the checkout. */
    public static List<Path> all() {
        try (Stream<Path> files = Files.walk(ProjectDir.resolve("routes"))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".camel.yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Parses {@code yaml} into a fresh, unstarted Camel context, with the properties file beside
     * it as the property source; returns the route definitions. Throws on a file that does not
     * parse (bad YAML, unknown DSL keys, bean classes that do not exist).
     */
    public static List<RouteDefinition> load(final Path yaml) throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            final String flow = yaml.getParent().getFileName().toString();
            final List<Path> files = new ArrayList<>();
            for (final String base : BUILDS_ON.getOrDefault(flow, List.of())) {
                files.add(yaml.getParent().resolveSibling(base).resolve(base + ".camel.yaml"));
            }
            files.add(yaml);
            final Properties initial = new Properties();
            for (final Path file : files) {
                final Path properties = file.resolveSibling("application.properties");
                if (Files.isRegularFile(properties)) {
                    try (var in = Files.newInputStream(properties)) {
                        initial.load(in);
                    }
                }
            }
            context.getPropertiesComponent().setInitialProperties(initial);
            final ModelCamelContext model = (ModelCamelContext) context;
            int before = 0;
            for (final Path file : files) {
                before = model.getRouteDefinitions().size();
                final Resource resource = ResourceHelper.fromString(file.getFileName().toString(), Files.readString(file));
                PluginHelper.getRoutesLoader(context).loadRoutes(resource);
            }
            final List<RouteDefinition> all = model.getRouteDefinitions();
            return List.copyOf(all.subList(before, all.size()));
        }
    }

    /** Flows whose beans a flow references by name, loaded before it (as the README's command and its manifest carry them). */
    private static final Map<String, List<String>> BUILDS_ON = Map.of("events-fanout", List.of("ws-ticket", "mqtt-acl"));
}
