package io.caravan.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/**
 * Flows started and stopped in this JVM on camel-main, as {@code camel run} runs them (platform-http on
 * Vert.x, {@code camel.server.*}): for lifecycle tests that stop and restart a flow's context and then
 * look for what it left behind (threads, listening ports).
 */
public final class FlowLifecycle {

    /**
     * Threads this JVM may keep after a context stops, whoever started them, one per JVM at most: the JDK's own
     * pools, reapers and the delay thread of {@code CompletableFuture.orTimeout}, the crypto provider's native
     * reference cleaner (Amazon Corretto Crypto Provider), Netty's global helpers that end after a second idle,
     * the test's own clients and the build's.
     */
    private static final Predicate<String> JVM_GLOBAL = name -> name.startsWith("ForkJoinPool.commonPool")
            || name.equals("process reaper") || name.startsWith("Common-Cleaner") || name.equals("Attach Listener")
            || name.startsWith("HttpClient-") || name.equals("globalEventExecutor") || name.equals("ObjectCleanerThread")
            || name.startsWith("surefire") || name.equals("Notification Thread") || name.startsWith("awaitility")
            || name.equals("Signal Dispatcher") || name.equals("Reference Handler") || name.equals("Finalizer")
            || name.startsWith("Keep-Alive") || name.equals("CompletableFutureDelayScheduler")
            || name.equals("Native reference cleanup thread");

    private FlowLifecycle() {
    }

    /** Starts {@code flows} (their YAML and properties, in this order) with {@code overrides} and extra registry beans. */
    public static Main start(final List<String> flows, final Map<String, String> overrides, final Map<String, Object> beans) throws Exception {
        final Path project = ProjectDir.get();
        final Main main = new Main();
        main.configure().withRoutesIncludePattern(flows.stream()
                .map(f -> "file:" + project.resolve("routes/" + f + "/" + f + ".camel.yaml")).collect(Collectors.joining(",")));
        main.setPropertyPlaceholderLocations(flows.stream()
                .map(f -> "file:" + project.resolve("routes/" + f + "/application.properties")).collect(Collectors.joining(",")));
        overrides.forEach(main::addOverrideProperty);
        beans.forEach(main::bind);
        main.start();
        return main;
    }

    /** Waits until every route of {@code context} has started (supervised routes start just after the context). */
    public static void awaitRoutesStarted(final CamelContext context, final String... routeIds) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            for (final String id : routeIds) {
                final var status = context.getRouteController().getRouteStatus(id);
                if (status == null || !status.isStarted()) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Live threads now (JVM-wide ones excluded). */
    public static Set<Thread> threads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).filter(t -> !JVM_GLOBAL.test(t.getName()))
                .collect(Collectors.toSet());
    }

    /**
     * Names of the live threads started since {@code before} (JVM-wide ones excluded), sorted. A new thread of an
     * executor that already had threads in {@code before} ({@code pool-<n>-thread-<m>} with the same n) belongs to
     * whoever made that executor earlier (e.g. a gateway that other test classes keep running in this JVM), not to
     * the runtime under test.
     */
    public static List<String> threadsSince(final Set<Thread> before) {
        final Set<String> earlierPools = before.stream().map(t -> pool(t.getName())).filter(p -> p != null).collect(Collectors.toSet());
        return threads().stream().filter(t -> !before.contains(t)).map(Thread::getName)
                .filter(name -> pool(name) == null || !earlierPools.contains(pool(name))).sorted().toList();
    }

    /** "pool-6" of "pool-6-thread-4" (a JDK default thread factory's name), else null. */
    private static String pool(final String threadName) {
        final java.util.regex.Matcher m = POOL_THREAD.matcher(threadName);
        return m.matches() ? m.group(1) : null;
    }

    private static final java.util.regex.Pattern POOL_THREAD = java.util.regex.Pattern.compile("(pool-\\d+)-thread-\\d+");

    /** Whether {@code port} on loopback is free to listen on (nothing of ours holds it). */
    public static boolean portFree(final int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Asserts what a stopped runtime must have released: within 20 s no thread started since {@code before} is
     * left, and each of {@code ports} is free again ({@code stop} numbers the stop in the messages).
     */
    public static void assertReleased(final Set<Thread> before, final int stop, final int... ports) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(threadsSince(before))
                .as("threads left after stop %d", stop).isEmpty());
        for (final int port : ports) {
            assertThat(portFree(port)).as("port %d free after stop %d", port, stop).isTrue();
        }
    }
}
