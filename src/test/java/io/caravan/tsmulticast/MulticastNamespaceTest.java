package io.caravan.tsmulticast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.common.ProjectDir;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The flow's channels multicasting for real, ONLY inside a private network namespace that this
 * test creates ({@code unshare --net}: a new namespace with nothing but {@code lo}, where
 * multicast is switched on and 239.0.0.0/8 routed to lo). Nothing is changed on the host's
 * interfaces and no datagram can leave the machine. {@link MulticastNamespaceMain} runs the flow
 * and the receivers there and writes what it measured; this test asserts it.
 */
class MulticastNamespaceTest {

    private static JsonNode result;

    @BeforeAll
    static void runInsideANetworkNamespace() throws Exception {
        final Path streams = TestStreams.ensure();
        final Path project = ProjectDir.get();
        final Path out = project.resolve("target/ts-multicast-ns/result.json");
        Files.createDirectories(out.getParent());
        Files.deleteIfExists(out);
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final String setup = "ip link set lo up && ip link set lo multicast on && ip route add 239.0.0.0/8 dev lo";
        final List<String> cmd = new ArrayList<>(List.of("unshare", "--net", "bash", "-c",
                setup + " && exec \"$0\" -Xmx256m -cp \"$1\" " + MulticastNamespaceMain.class.getName() + " \"$2\" \"$3\" \"$4\"",
                java, System.getProperty("java.class.path"), project.toString(), streams.toString(), out.toString()));
        final Path log = out.resolveSibling("namespace.log");
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        assertThat(out).as("result of the namespace run; see %s", log).exists();
        result = new ObjectMapper().readTree(out.toFile());
        assertThat(result.path("failure").asText()).as("namespace run failed; see %s", log).isEmpty();
    }

    private static JsonNode channel(final String id) {
        for (final JsonNode c : result.get("channels")) {
            if (c.get("id").asText().equals(id)) {
                return c;
            }
        }
        throw new AssertionError("no channel " + id);
    }

    @Test
    void channelsWaitForTheirStartAndStopOnRequest() {
        assertThat(result.get("routesBeforeStart").asText()).isEqualTo("Stopped");
        assertThat(result.get("loopAutostarted").asText()).as("autostart=true channel under the supervising route controller").isEqualTo("sending");
        assertThat(result.get("loopWhileSending").asText()).isEqualTo("sending");
        assertThat(result.get("loopStateAfterStop").asText()).isEqualTo("stopped");
        assertThat(channel("vod").get("state").asText()).isEqualTo("finished");
    }

    @Test
    void ffprobeDecodesEveryVideoFrameOfTheHlsSource() {
        assertThat(result.get("sourceFrames").asInt()).isEqualTo(TestStreams.VOD_FRAMES);
        assertThat(result.get("ffprobeOutput").asText().split("\\s+")[0]).isEqualTo(String.valueOf(TestStreams.VOD_FRAMES));
    }

    @Test
    void hlsSegmentJoinsAreSeamless() {
        assertThat(result.get("vod.datagrams").asInt()).isGreaterThan(250);
        assertThat(result.get("vod.wrongSize").asInt()).as("datagrams that are not 1316 bytes").isZero();
        assertThat(result.get("vod.ccErrors").asInt()).as("continuity errors across 4 segments").isZero();
        assertThat(result.get("vod.pcrDiscontinuities").asInt()).as("ffmpeg's HLS segments share one time base").isZero();
        assertThat(channel("vod").get("errors").asInt()).isZero();
    }

    @Test
    void bitrateFollowsThePcrWithinOnePercent() {
        for (final String id : List.of("vod", "loop", "live", "wrap")) {
            final double pcr = result.get(id + ".pcrBitrate").asDouble();
            assertThat(pcr).as("%s PCR-derived bitrate", id).isGreaterThan(100_000);
            assertThat(result.get(id + ".arrivalBitrate").asDouble()).as("%s arrival bitrate", id).isCloseTo(pcr, within(pcr * 0.01));
        }
    }

    @Test
    void aGrowingLivePlaylistIsFollowedToItsEnd() {
        final JsonNode live = channel("live");
        assertThat(live.get("state").asText()).isEqualTo("finished");
        assertThat(live.get("segments").asInt()).isEqualTo(4);
        assertThat(live.get("errors").asInt()).isZero();
        assertThat(result.get("live.packets").asInt()).isEqualTo(result.get("vod.packets").asInt());
        assertThat(result.get("live.ccErrors").asInt()).isZero();
        assertThat(result.get("live.wrongSize").asInt()).isZero();
    }

    @Test
    void thePcrWrapAt2To33IsNotADiscontinuity() {
        final JsonNode wrap = channel("wrap");
        assertThat(wrap.get("state").asText()).isEqualTo("finished");
        assertThat(wrap.get("discontinuities").asInt()).as("sender re-anchors").isZero();
        assertThat(wrap.get("reanchors").asInt()).isZero();
        assertThat(result.get("wrap.pcrDiscontinuities").asInt()).as("receiver-side time bases").isZero();
        assertThat(result.get("wrap.ccErrors").asInt()).isZero();
        assertThat(result.get("wrap.packets").asInt()).isGreaterThan(900);
    }

    @Test
    void loopRestartsCauseNoContinuityErrors() {
        assertThat(result.get("loop.wrongSize").asInt()).isZero();
        assertThat(result.get("loop.ccErrors").asInt()).isZero();
        assertThat(result.get("loop.pcrDiscontinuities").asInt()).as("loop restarts seen by the receiver").isGreaterThanOrEqualTo(2);
        assertThat(channel("loop").get("discontinuities").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(channel("loop").get("errors").asInt()).isZero();
    }

    @Test
    void badInputsGiveClearErrorsAndTheChannelGoesOn() {
        final JsonNode bad = channel("bad");
        final List<String> errors = new ArrayList<>();
        bad.get("recentErrors").forEach(e -> errors.add(e.asText()));
        assertThat(errors).anySatisfy(e -> assertThat(e).contains("junk.ts is not MPEG-TS"))
                .anySatisfy(e -> assertThat(e).contains("truncated.ts is truncated"))
                .anySatisfy(e -> assertThat(e).contains("missing.ts is missing"))
                .anySatisfy(e -> assertThat(e).contains("nopcr.ts carries no PCR").contains("constant bitrate"));
        assertThat(bad.get("errors").asInt()).isEqualTo(4);
        assertThat(bad.get("state").asText()).isEqualTo("finished");
        // good0 (486) + 244 whole packets of truncated + nopcr (529) + good3 (553) = 1812 packets, padded to 259 datagrams
        assertThat(result.get("bad.packets").asInt()).isEqualTo(259 * 7);
        assertThat(result.get("bad.wrongSize").asInt()).isZero();
        assertThat(result.get("bad.ccErrors").asInt()).isZero();
    }
}
