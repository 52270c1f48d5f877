package io.caravan.tsmulticast;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.awaitility.Awaitility;

/**
 * Benchmark receiver (inside the namespace): joins {@code group:port} on lo, records until the
 * stream has been quiet for 1.5 s, writes the {@link StreamAnalysis} as JSON.
 *
 * <p>args: group, port, output json, ready-file (created once joined).
 */
public final class BenchReceiverMain {

    private BenchReceiverMain() {
    }

    public static void main(final String[] args) throws Exception {
        try (TsReceiver receiver = new TsReceiver(args[0], Integer.parseInt(args[1]), "lo")) {
            Files.writeString(Path.of(args[3]), "joined");
            Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20)).until(() -> receiver.count() > 0);
            Awaitility.await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(50))
                    .until(() -> receiver.quietNanos() > 1_500_000_000L);
            Files.writeString(Path.of(args[2]), new ObjectMapper().writeValueAsString(receiver.analyse().toMap("")));
        }
        System.exit(0);
    }
}
