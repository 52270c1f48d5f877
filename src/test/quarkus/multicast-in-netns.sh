#!/usr/bin/env bash
# Runs INSIDE a private network namespace made by CamelQuarkusRuntimeTest (unshare --net): only lo exists,
# multicast is switched on and 239.0.0.0/8 routed to lo here, so no datagram can leave the machine.
# Usage: multicast-in-netns.sh <log> <group> <port> <seconds> -- <the app's java command...>
# Starts the app (its output to <log>), counts the datagrams of <group>:<port> on lo for <seconds> once the
# app has started, prints "datagrams=<n> bytes=<n>", and stops the app.
set -euo pipefail
log=$1 group=$2 port=$3 seconds=$4; shift 5
# refuse to touch routes anywhere but a namespace whose only link is lo (never the host's)
links=$(ip -o link show | cut -d: -f2 | tr -d ' ' | tr '\n' ' ')
[[ $links == "lo " ]] || { echo "multicast-in-netns.sh: links '$links' — not a private namespace, refusing" >&2; exit 3; }
ip link set lo up
ip link set lo multicast on
ip route add 239.0.0.0/8 dev lo
"$@" >"$log" 2>&1 &
app=$!
trap 'kill "$app" 2>/dev/null; wait "$app" 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do
  grep -q 'Listening on' "$log" && break
  kill -0 "$app" 2>/dev/null || { echo "app exited"; exit 1; }
  sleep 0.5
done
python3 - "$group" "$port" "$seconds" <<'PY'
import socket, struct, sys, time
group, port, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((group, port))
s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, struct.pack("4s4s", socket.inet_aton(group), socket.inet_aton("127.0.0.1")))
s.settimeout(0.5)
n = b = 0
sync = 0
end = time.time() + seconds
while time.time() < end:
    try:
        d = s.recv(65536)
    except socket.timeout:
        continue
    n += 1
    b += len(d)
    sync += sum(1 for i in range(0, len(d), 188) if d[i] == 0x47)
print(f"datagrams={n} bytes={b} ts-packets={sync}")
PY
