package io.caravan.common;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;

/**
 * Describes what this runtime carries: each flow (a route group) with the state of its routes.
 * Flow-independent, so it runs the same under Spring Boot, Camel JBang and Camel K.
 */
public final class StatusInfo {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Instant started = Instant.now();

    /** JSON: {@code {"service","camelVersion","uptimeSeconds","flows":{flow:{routeId:state}}}}. */
    public String describe(final CamelContext context) throws JsonProcessingException {
        final Map<String, Map<String, String>> flows = new TreeMap<>();
        for (final Route route : context.getRoutes()) {
            final String group = route.getGroup() == null ? "ungrouped" : route.getGroup();
            final String state = String.valueOf(context.getRouteController().getRouteStatus(route.getRouteId()));
            flows.computeIfAbsent(group, g -> new TreeMap<>()).put(route.getRouteId(), state);
        }
        final Map<String, Object> body = new TreeMap<>();
        body.put("service", context.getName());
        body.put("camelVersion", context.getVersion());
        body.put("uptimeSeconds", Duration.between(started, Instant.now()).toSeconds());
        body.put("flows", flows);
        return JSON.writeValueAsString(body);
    }
}
