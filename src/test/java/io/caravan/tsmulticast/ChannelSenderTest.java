package io.caravan.tsmulticast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pacing loop with synthetic segments and an in-memory sink (no network): timing, joins, errors. */
class ChannelSenderTest {

    @TempDir
    Path dir;

    private final List<byte[]> sent = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> at = Collections.synchronizedList(new ArrayList<>());

    private ChannelSender sender(final ChannelStats stats, final boolean loop) {
        final ChannelConfig config = new ChannelConfig("t", dir.toString(), "239.9.9.9", 5000, 1, "lo", loop, 1_000_000, false, ChannelConfig.OUTPUT_ROUTE);
        return new ChannelSender(config, stats, d -> {
            at.add(System.nanoTime());
            sent.add(d);
        }, () -> true);
    }

    @Test
    void sendsTwoJoinedSegmentsAtTheirPcrRateWithContinuousCounters() throws Exception {
        // 2 × 0.3 s at 4 Mbit/s, the second continuing the first's PCR
        final long bps = 4_000_000;
        final int n = 798; // packets per file, PCR every 10
        Files.write(dir.resolve("a.ts"), TsFixtures.stream(n, 10, 0, bps));
        Files.write(dir.resolve("b.ts"), TsFixtures.stream(n, 10, Math.round(Pcr.ticksPerPacket(bps) * (n + 2)), bps));
        final ChannelStats stats = new ChannelStats();
        final ChannelSender s = sender(stats, false);
        s.start();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(s::isFinished);
        s.stop();
        assertThat(sent).hasSize((2 * (n + 2) + 6) / 7).allSatisfy(d -> assertThat(d).hasSize(1316));
        final double seconds = (at.get(at.size() - 1) - at.get(0)) / 1e9;
        final double expected = (sent.size() - 1) * 7 * 188 * 8.0 / bps;
        assertThat(seconds).isCloseTo(expected, within(expected * 0.15 + 0.02));
        assertThat(stats.errors()).isZero();
        assertThat(StreamAnalysis.of(sent, at.stream().mapToLong(Long::longValue).toArray()).ccErrors).isZero();
    }

    @Test
    void aJunkSegmentIsSkippedWithAnErrorAndTheNextOneIsSent() throws Exception {
        Files.write(dir.resolve("a.ts"), new byte[5000]);
        Files.write(dir.resolve("b.ts"), TsFixtures.stream(68, 10, 0, 8_000_000));
        final ChannelStats stats = new ChannelStats();
        final ChannelSender s = sender(stats, false);
        s.start();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(s::isFinished);
        s.stop();
        assertThat(stats.errors()).isEqualTo(1);
        assertThat(stats.lastError()).contains("a.ts is not MPEG-TS");
        assertThat(sent).hasSize(10);
    }

    @Test
    void aLoopingChannelRestartsWithoutContinuityErrorsAndStopsOnRequest() throws Exception {
        Files.write(dir.resolve("a.ts"), TsFixtures.stream(138, 10, 5_000_000, 20_000_000));
        final ChannelStats stats = new ChannelStats();
        final ChannelSender s = sender(stats, true);
        s.start();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sent.size() > 100);
        s.stop();
        assertThat(s.isRunning()).isFalse();
        final StreamAnalysis a = StreamAnalysis.of(new ArrayList<>(sent), at.stream().mapToLong(Long::longValue).toArray());
        assertThat(a.ccErrors).isZero();
        assertThat(a.pcrDiscontinuities).isGreaterThanOrEqualTo(3);
        final int count = sent.size();
        Awaitility.await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> sent.size() == count);
    }
}
