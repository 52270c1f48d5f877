package io.caravan.tsmulticast;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.caravan.common.ProjectDir;

/**
 * Small MPEG-TS fixtures made by the real ffmpeg into target/ts-multicast-streams/ (once per
 * checkout): a 4 s HLS VOD in 1 s segments, a 2 s single file for loops, that file with its PCR
 * wrapping at 2^33 × 300, and a playlist of bad inputs (random bytes, a truncated segment, a missing segment, a segment without PCR).
 */
public final class TestStreams {

    public static final int VOD_FRAMES = 100;

    private TestStreams() {
    }

    public static Path dir() {
        return ProjectDir.resolve("target/ts-multicast-streams");
    }

    public static synchronized Path ensure() throws IOException, InterruptedException {
        final Path dir = dir();
        final Path done = dir.resolve("done-v2");
        if (Files.exists(done)) {
            return dir;
        }
        Files.createDirectories(dir.resolve("vod"));
        Files.createDirectories(dir.resolve("single"));
        Files.createDirectories(dir.resolve("bad"));
        Files.createDirectories(dir.resolve("wrap"));
        // 4 s, 25 fps, 320x180 H.264 + AAC, GOP 1 s, HLS segments of 1 s
        run("ffmpeg", "-y", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-f", "lavfi", "-i",
                "sine=frequency=440:sample_rate=48000", "-t", "4", "-c:v", "libx264", "-preset", "ultrafast", "-g", "25",
                "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k", "-f", "hls", "-hls_time", "1", "-hls_playlist_type", "vod",
                "-hls_segment_filename", dir.resolve("vod/seg%03d.ts").toString(), dir.resolve("vod/index.m3u8").toString());
        run("ffmpeg", "-y", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-t", "2", "-c:v", "libx264",
                "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p", "-f", "mpegts", dir.resolve("single/clip.ts").toString());
        // the same clip with its timestamps shifted to 2^33 / 90 kHz - 0.7 s: the PCR wraps 0.6 s in
        run("ffmpeg", "-y", "-v", "error", "-i", dir.resolve("single/clip.ts").toString(), "-c", "copy", "-output_ts_offset", "95443",
                "-f", "mpegts", dir.resolve("wrap/clip.ts").toString());
        final Path bad = dir.resolve("bad");
        Files.copy(dir.resolve("vod/seg000.ts"), bad.resolve("good0.ts"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        final byte[] junk = new byte[100_000];
        new Random(7).nextBytes(junk);
        Files.write(bad.resolve("junk.ts"), junk);
        final byte[] seg1 = Files.readAllBytes(dir.resolve("vod/seg001.ts"));
        Files.write(bad.resolve("truncated.ts"), Arrays.copyOf(seg1, seg1.length / 2 + 100));
        Files.write(bad.resolve("nopcr.ts"), stripPcr(Files.readAllBytes(dir.resolve("vod/seg002.ts"))));
        Files.copy(dir.resolve("vod/seg003.ts"), bad.resolve("good3.ts"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(bad.resolve("index.m3u8"), String.join("\n", List.of("#EXTM3U", "#EXT-X-TARGETDURATION:1",
                "#EXT-X-MEDIA-SEQUENCE:0", "#EXTINF:1,", "good0.ts", "#EXTINF:1,", "junk.ts", "#EXTINF:1,", "truncated.ts",
                "#EXTINF:1,", "missing.ts", "#EXTINF:1,", "nopcr.ts", "#EXTINF:1,", "good3.ts", "#EXT-X-ENDLIST", "")),
                StandardCharsets.UTF_8);
        Files.writeString(done, "ok");
        return dir;
    }

    /** Clears the PCR flag of every packet (its 6 bytes become stuffing). */
    static byte[] stripPcr(final byte[] ts) {
        final byte[] out = ts.clone();
        for (int off = 0; off + TsPackets.SIZE <= out.length; off += TsPackets.SIZE) {
            if (TsPackets.hasPcr(out, off)) {
                out[off + 5] = (byte) (out[off + 5] & ~0x10);
                Arrays.fill(out, off + 6, off + 12, (byte) 0xFF);
                // move the remaining optional fields? ffmpeg writes only the PCR here, so the rest is stuffing already
            }
        }
        return out;
    }

    /** Video frames in a source, as ffprobe decodes them. */
    public static int frames(final Path source) throws IOException, InterruptedException {
        final String out = run("ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames", "-show_entries",
                "stream=nb_read_frames", "-of", "default=nw=1:nk=1", source.toString());
        return Integer.parseInt(out.trim().split("\\s+")[0]);
    }

    static String run(final String... cmd) throws IOException, InterruptedException {
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
