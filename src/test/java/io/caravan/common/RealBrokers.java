package io.caravan.common;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real Redis, RabbitMQ, Mosquitto and the OIDC dev issuer, started once per test JVM by the
 * project's own config/stack.sh on free loopback ports with a private data dir, and stopped when
 * the test run ends (JUnit root store) or, failing that, when the JVM exits.
 */
public final class RealBrokers implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RealBrokers.class);
    private static RealBrokers instance;

    private final Path stackDir;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final int redisPort = FreePorts.next();
    private final int amqpPort = FreePorts.next();
    private final int rabbitManagementPort = FreePorts.next();
    private final int mqttPort = FreePorts.next();
    private final int mqttWebSocketPort = FreePorts.next();
    private final int oidcPort = FreePorts.next();
    private boolean closed;
    private Map<String, String> properties;

    private RealBrokers() throws IOException {
        Files.createDirectories(ProjectDir.resolve("target"));
        stackDir = Files.createTempDirectory(ProjectDir.resolve("target"), "stack-");
        env.put("CARAVAN_STACK_DIR", stackDir.toString());
        env.put("CARAVAN_BIND", "127.0.0.1");
        env.put("CARAVAN_REDIS_PORT", String.valueOf(redisPort));
        env.put("CARAVAN_AMQP_PORT", String.valueOf(amqpPort));
        env.put("CARAVAN_RABBIT_MGMT_PORT", String.valueOf(rabbitManagementPort));
        env.put("CARAVAN_RABBIT_DIST_PORT", String.valueOf(FreePorts.next()));
        env.put("CARAVAN_EPMD_PORT", String.valueOf(FreePorts.next()));
        env.put("CARAVAN_MQTT_PORT", String.valueOf(mqttPort));
        env.put("CARAVAN_MQTT_WS_PORT", String.valueOf(mqttWebSocketPort));
        env.put("CARAVAN_OIDC_PORT", String.valueOf(oidcPort));
    }

    /** The one broker set of this JVM, started on first use. */
    public static synchronized RealBrokers get() {
        if (instance == null) {
            try {
                final RealBrokers brokers = new RealBrokers();
                Runtime.getRuntime().addShutdownHook(new Thread(brokers::close, "caravan-brokers-stop"));
                brokers.start();
                instance = brokers;
            } catch (IOException e) {
                throw new IllegalStateException("cannot prepare the broker stack", e);
            }
        }
        return instance;
    }

    /** Starts the named services (all when none named); returns once each is ready. */
    public void start(final String... services) {
        final long t0 = System.nanoTime();
        stack("start", services);
        LOG.info("stack start {} ready in {} ms", services.length == 0 ? "all" : String.join(",", services),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    /** Stops the named services (tests of outages restart them with {@link #start}). */
    public void stop(final String... services) {
        stack("stop", services);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            try {
                stack("stop");
            } catch (RuntimeException e) {
                LOG.warn("stack stop failed: {}", e.getMessage());
            }
        }
    }

    public String host() {
        return "127.0.0.1";
    }

    public int redisPort() {
        return redisPort;
    }

    public int amqpPort() {
        return amqpPort;
    }

    public int rabbitManagementPort() {
        return rabbitManagementPort;
    }

    public int mqttPort() {
        return mqttPort;
    }

    public int mqttWebSocketPort() {
        return mqttWebSocketPort;
    }

    public int oidcPort() {
        return oidcPort;
    }

    public String mqttUrl() {
        return "tcp://127.0.0.1:" + mqttPort;
    }

    /** The dev issuer (mock-oauth2-server, issuer id "caravan"). */
    public String oidcIssuer() {
        return "http://127.0.0.1:" + oidcPort + "/caravan";
    }

    public Path stackDir() {
        return stackDir;
    }

    /** Properties that point Spring Boot, Camel and every flow at these brokers. */
    public synchronized Map<String, String> properties() {
        // computed once: the flows' free ports must stay what the cached Spring context was given
        if (properties != null) {
            return properties;
        }
        final Map<String, String> props = new LinkedHashMap<>();
        props.put("spring.data.redis.host", host());
        props.put("spring.data.redis.port", String.valueOf(redisPort));
        props.put("spring.rabbitmq.host", host());
        props.put("spring.rabbitmq.port", String.valueOf(amqpPort));
        props.put("spring.rabbitmq.username", "guest");
        props.put("spring.rabbitmq.password", "guest");
        props.put("camel.component.paho-mqtt5.broker-url", mqttUrl());
        props.put("oauth2.issuer.caravan.uri", oidcIssuer());
        // --- flow listeners and dirs (one shared Spring context serves every @CaravanBootTest) ---
        props.put("ws-ticket.ws.port", String.valueOf(FreePorts.next()));
        props.put("mqtt-acl.http.port", String.valueOf(FreePorts.next()));
        props.put("mqtt-acl.redis.uri", "redis://" + host() + ":" + redisPort);
        props.put("firmware-publish.dir.base", stackDir.resolve("firmware-publish").toString());
        props.put("firmware-publish.max-size-bytes", "4000000");
        // --- end of flow listeners ---
        properties = Map.copyOf(props);
        return properties;
    }

    private void stack(final String command, final String... services) {
        final List<String> cmd = new ArrayList<>(List.of("bash", ProjectDir.resolve("config/stack.sh").toString(), command));
        cmd.addAll(List.of(services));
        final Path log = stackDir.resolve("stack-script.log");
        try {
            final ProcessBuilder pb = new ProcessBuilder(cmd).directory(ProjectDir.get().toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().putAll(env);
            final Process process = pb.start();
            if (!process.waitFor(180, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("config/stack.sh " + command + " timed out; see " + log);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("config/stack.sh " + String.join(" ", cmd.subList(2, cmd.size()))
                        + " failed (exit " + process.exitValue() + "):\n" + tail(log));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run config/stack.sh", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running config/stack.sh " + command, e);
        }
    }

    private static String tail(final Path log) throws IOException {
        final List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
