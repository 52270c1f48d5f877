#!/usr/bin/env bash
# Benchmark of the ts-multicast sender against `ffmpeg -re -i in.ts -c copy -f mpegts udp://...`
# at about 2, 20 and 80 Mbit/s (CBR test streams made by ffmpeg), both measured by the same raw
# receiver (io.caravan.tsmulticast.BenchReceiverMain → StreamAnalysis): arrival jitter against the
# PCR schedule (p50/p99/max), achieved vs PCR bitrate, continuity errors; plus the sender's CPU.
#
# Everything that sends multicast runs INSIDE a private network namespace (unshare --net: only lo,
# multicast on, 239.0.0.0/8 via lo); nothing is changed on the host's interfaces. Needs root.
#
#   src/test/bench/ts-multicast/run.sh            # all three rates, 8 s each
#   RATES="20000000" SECONDS_PER_RUN=5 src/test/bench/ts-multicast/run.sh
#
# Senders, receiver and ffmpeg all run with nice -n -10 (the same for both sides). CPU: the sender
# JVM's process CPU time while streaming (OperatingSystemMXBean; "steady" = second half of the run,
# after JIT compilation), ffmpeg's whole run (/usr/bin/time); in % of one core. Sender-side jitter
# covers the last 8192 datagrams of the run.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../../.." && pwd)
OUT=$ROOT/target/ts-multicast-bench
RATES=${RATES:-"2000000 20000000 80000000"}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-8}
JAVA=${JAVA:-java}

if [ "${1:-}" != "--inside" ]; then
  mkdir -p "$OUT"
  cd "$ROOT"
  [ -s target/test.cp ] || mvn -B -q -o dependency:build-classpath -Dmdep.outputFile=target/test.cp -Dmdep.includeScope=test
  mvn -B -q -o test-compile
  for rate in $RATES; do
    src=$OUT/src-$rate
    mkdir -p "$src"
    if [ ! -s "$src/in.ts" ]; then
      ffmpeg -y -v error -f lavfi -i "testsrc2=size=640x360:rate=25" -t "$SECONDS_PER_RUN" -c:v libx264 -preset ultrafast -g 25 \
        -b:v $((rate / 2)) -maxrate $((rate / 2)) -bufsize $((rate / 4)) -pix_fmt yuv420p \
        -f mpegts -muxrate "$rate" "$src/in.ts"
    fi
  done
  exec unshare --net bash "$0" --inside
fi

# ---- inside the private network namespace ----
# never touch the host's routes: refuse unless this shell is in a network namespace of its own
# (a fresh `unshare --net` namespace has exactly one interface, lo; the host has more)
if [ "$(ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')" != "lo " ]; then
  echo "run.sh --inside: not in a private network namespace; refusing to add multicast routes" >&2
  exit 1
fi
ip link set lo up
ip link set lo multicast on
ip route add 239.0.0.0/8 dev lo
cd "$ROOT"
CP=target/test-classes:target/classes:$(cat target/test.cp)
PKG=io.caravan.tsmulticast

receive() { # group port out -> starts a receiver in the background, returns once it has joined
  rm -f "$OUT/joined"
  nice -n -10 "$JAVA" -Xmx1g -cp "$CP" $PKG.BenchReceiverMain "$1" "$2" "$3" "$OUT/joined" > "$3.log" 2>&1 &
  RECEIVER=$!
  for _ in $(seq 1 300); do [ -f "$OUT/joined" ] && return 0; sleep 0.05; done
  echo "receiver did not join" >&2; exit 1
}

for rate in $RATES; do
  src=$OUT/src-$rate
  for output in netty-channel camel-route; do
    echo "== $rate bit/s: caravan $output" >&2
    receive 239.2.0.1 6000 "$OUT/caravan-$output-$rate.recv.json"
    nice -n -10 "$JAVA" -Xmx512m -cp "$CP" $PKG.BenchSenderMain "$ROOT" "$src" 239.2.0.1 6000 "$OUT/caravan-$output-$rate.send.json" \
      "$SECONDS_PER_RUN" "$output" > "$OUT/caravan-$output-$rate.send.log" 2>&1
    wait "$RECEIVER"
  done
  echo "== $rate bit/s: ffmpeg -re" >&2
  receive 239.2.0.2 6001 "$OUT/ffmpeg-$rate.recv.json"
  /usr/bin/time -f "cpu user=%U sys=%S wall=%e" -o "$OUT/ffmpeg-$rate.bench.txt" \
    nice -n -10 ffmpeg -hide_banner -v error -re -i "$src/in.ts" -c copy -muxrate "$rate" -f mpegts \
    "udp://239.2.0.2:6001?pkt_size=1316&localaddr=127.0.0.1&ttl=1" > "$OUT/ffmpeg-$rate.log" 2>&1
  wait "$RECEIVER"
done

python3 - "$OUT" $RATES <<'PY'
import json, re, sys
out, rates = sys.argv[1], sys.argv[2:]
print("| rate | sender | datagrams | 1316 B | CC errors | PCR bitrate | achieved | jitter p50 / p99 / max (µs, receiver) | sender-side p50 / p99 / max (µs) | CPU |")
print("|---|---|---|---|---|---|---|---|---|---|")
for r in rates:
    for who in ("caravan-netty-channel", "caravan-camel-route", "ffmpeg"):
        rec = json.load(open(f"{out}/{who}-{r}.recv.json"))
        if who.startswith("caravan"):
            s = json.load(open(f"{out}/{who}-{r}.send.json"))
            cpu = f"{s['cpuPercent']} % (steady {s.get('cpuSteadyPercent', '?')} %)"
            side = f"{s['senderJitterP50Micros']} / {s['senderJitterP99Micros']} / {s['senderJitterMaxMicros']}"
        else:
            t = open(f"{out}/ffmpeg-{r}.bench.txt").read()
            m = re.search(r"cpu user=([\d.]+) sys=([\d.]+) wall=([\d.]+)", t)
            cpu = f"{round(100 * (float(m[1]) + float(m[2])) / float(m[3]), 1)} %" if m else "?"
            side = "n/a"
        ok = rec['datagrams'] - rec['wrongSize']
        print(f"| {int(r)/1e6:g} Mbit/s | {who} | {rec['datagrams']} | {ok} | {rec['ccErrors']} | {rec['pcrBitrate']/1e6:.3f} M "
              f"| {rec['arrivalBitrate']/1e6:.3f} M | {rec['jitterP50Micros']} / {rec['jitterP99Micros']} / {rec['jitterMaxMicros']} "
              f"| {side} | {cpu} |")
PY
