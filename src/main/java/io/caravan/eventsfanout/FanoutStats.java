package io.caravan.eventsfanout;

/** Counters of one fan-out instance since start (tests, logs, benchmark). */
public record FanoutStats(long events, long unroutable, long frames, long dropped, long closedSlow, int sockets) {
}
