package io.caravan.common;

import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.resource.ClientResources;

/**
 * Lettuce client resources for the flows' own Redis clients (ws-ticket's store, mqtt-acl's registry).
 * Lettuce records a latency histogram per command, with pause-detector threads, whenever LatencyUtils is
 * on the classpath (the Spring Boot gateway's is, through Micrometer). Nothing reads those histograms, and
 * they cost every command time on Lettuce's I/O thread, so they are off here. A client created with these
 * resources does not own them: whoever closes the client shuts them down too.
 */
public final class LettuceResources {

    private LettuceResources() {
    }

    /** A builder with command latency recording off; add what the client needs and build. */
    public static ClientResources.Builder builder() {
        return ClientResources.builder().commandLatencyRecorder(CommandLatencyRecorder.disabled());
    }
}
