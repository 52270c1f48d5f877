package io.caravan.tsmulticast;

import java.nio.file.Path;

/**
 * One segment to send.
 *
 * @param name          what errors and logs call it (file name or playlist URI)
 * @param path          where its bytes are
 * @param discontinuity the source says a new time base starts here (loop restart, HLS discontinuity, gap)
 */
public record Segment(String name, Path path, boolean discontinuity) {
}
