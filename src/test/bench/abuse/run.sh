#!/usr/bin/env bash
# Abuse harness, part 1: floods of the mqtt-acl callbacks with random identities (issue 21).
# The mqtt-acl flow runs alone under Camel JBang's runtime (same launcher as src/test/bench/mqtt-acl/run.sh),
# with its own Redis from config/stack.sh on free ports, loopback only. Every flood is bounded in count
# (COUNT) and time (MAX_SECONDS per flood); the script stops by itself.
#
#   src/test/bench/abuse/run.sh [scenarios="auth token acl"]
#     auth : COUNT x POST /auth, random 200-character usernames, non-empty password
#     token: COUNT_TOKEN x POST /auth, username and password "mqtt_" + random (the token maps)
#     acl  : COUNT_ACL x POST /acl, random usernames and random topics
#   COUNT=400000  COUNT_TOKEN=100000  COUNT_ACL=100000 (about 4-5 minutes in all at ~2.5k/s on a shared 2-core box)
#   CONNECTIONS=16  THREADS=2  MAX_SECONDS=120  HEAP_BOUND_MIB=32  DEVICES=20
#   FLOW_ROOT=<dir>: run the flow, classes and Seed of another checkout (e.g. an A/B against old code,
#     `git worktree add /tmp/abuse-old 9b933e0 && (cd /tmp/abuse-old && mvn -B -q -o test-compile)`);
#     the classpath of the libraries is always this checkout's.
#   FLOW_JAVA_OPTS: extra JVM options of the flow JVM (default -Xmx512m).
#
# Per flood it prints: answers by status, wrongly allowed (any 2xx: every name is random; must be 0),
# heap used after a full GC (jcmd GC.run + GC.heap_info) before and after, threads and open file
# descriptors of the flow JVM before and after, and whether the seeded devices still authenticate
# and get their ACL (registry intact). Exit status 1 if anything is wrongly allowed, the heap after GC
# grew by more than HEAP_BOUND_MIB, or a seeded device stops working.
#
# Why 32 MiB: the flood can only fill the bounded caches. In this branch: the negative cache
# (mqtt-acl.cache.negative-max-entries=10000) and the superuser failure limiter
# (mqtt-acl.superuser.tracked-names=10000), ~10,000 entries each, each a 200-byte Latin-1 key
# (~240 B as a String) plus a Caffeine node and value (~150 B): about 2 x 10,000 x ~400 B = ~8 MB.
# The rest of the bound is noise (Vert.x/Netty pools, JIT-triggered allocations, G1 region rounding).
# Unbounded code grows ~500 B per distinct name: 400,000 names => ~200 MB, far over the bound.
set -euo pipefail
SCENARIOS=${1:-auth token acl}
COUNT=${COUNT:-400000}
COUNT_TOKEN=${COUNT_TOKEN:-100000}
COUNT_ACL=${COUNT_ACL:-100000}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
MAX_SECONDS=${MAX_SECONDS:-120}
HEAP_BOUND_MIB=${HEAP_BOUND_MIB:-32}
DEVICES=${DEVICES:-20}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
HERE=$ROOT/src/test/bench/abuse
FLOW_ROOT=$(cd "${FLOW_ROOT:-$ROOT}" && pwd)
OUT=$ROOT/target/bench-abuse
mkdir -p "$OUT"
cd "$ROOT"

command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 2; }
command -v jcmd >/dev/null || { echo "jcmd missing (a JDK)" >&2; exit 2; }
[[ -d $FLOW_ROOT/target/classes/io/caravan/mqttacl ]] || (cd "$FLOW_ROOT" && mvn -B -q -o test-compile)
CP="$(cat "$(bash "$ROOT/config/stack.sh" jbang-classpath)"):$FLOW_ROOT/target/classes:$FLOW_ROOT/target/test-classes"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
REDIS_PORT=$(free_port)
export CARAVAN_STACK_DIR=$OUT/stack CARAVAN_REDIS_PORT=$REDIS_PORT
REDIS_URI=redis://127.0.0.1:$REDIS_PORT
SERVER_PID=
cleanup() {
  [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  config/stack.sh stop redis >/dev/null 2>&1 || true
}
trap cleanup EXIT
config/stack.sh start redis >/dev/null

echo "seeding $DEVICES devices into $REDIS_URI (code of $FLOW_ROOT)"
java -cp "$CP" "$ROOT/src/test/bench/mqtt-acl/Seed.java" "$REDIS_URI" "$DEVICES" "$OUT/secrets.txt"

api_port=$(free_port)
CALLBACK_PORT=$(free_port)
LOG=$OUT/server.log
java ${FLOW_JAVA_OPTS:--Xmx512m} -Dcamel.main.jmxEnabled=false -Duser.home="$ROOT/target/jbang-home" -cp "$CP" \
  io.caravan.common.JBangLauncher run \
  "$FLOW_ROOT/routes/mqtt-acl/mqtt-acl.camel.yaml" "$FLOW_ROOT/routes/mqtt-acl/application.properties" \
  --port="$api_port" --name=mqtt-acl --profile=prod \
  --prop=mqtt-acl.http.port="$CALLBACK_PORT" --prop=mqtt-acl.redis.uri="$REDIS_URI" \
  --prop=oauth2.issuers=caravan --prop=oauth2.issuer.caravan.uri=http://127.0.0.1:1/caravan \
  --prop=oauth2.issuer.caravan.audience=api://caravan >"$LOG" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 240); do
  grep -qE "Apache Camel \S+ \(.*\) started in" "$LOG" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { tail -30 "$LOG"; exit 1; }
  sleep 0.5
done
grep -qE "Apache Camel \S+ \(.*\) started in" "$LOG" || { echo "server did not start; see $LOG" >&2; exit 1; }

heap_kib() { # heap used after a full GC, KiB
  jcmd "$SERVER_PID" GC.run >/dev/null
  jcmd "$SERVER_PID" GC.heap_info | grep -oE 'used [0-9]+K' | head -1 | grep -oE '[0-9]+'
}
threads() { awk '/^Threads:/ {print $2}' "/proc/$SERVER_PID/status"; }
fds() { ls "/proc/$SERVER_PID/fd" | wc -l; }

registry_intact() { # every seeded device: /auth with its secret and /acl on its own state topic -> 200
  local ok=0 bad=0 id secret a b
  while read -r id secret; do
    a=$(curl -s -o /dev/null -w '%{http_code}' --data "username=$id&password=$secret&topic=&acc=-1&clientid=" \
      "http://127.0.0.1:$CALLBACK_PORT/auth")
    b=$(curl -s -o /dev/null -w '%{http_code}' \
      --data "username=$id&password=&topic=devices%2F$id%2Fstate&acc=2&clientid=client id not available" \
      "http://127.0.0.1:$CALLBACK_PORT/acl")
    if [[ $a == 200 && $b == 200 ]]; then ok=$((ok + 1)); else bad=$((bad + 1)); fi
  done <"$OUT/secrets.txt"
  echo "$ok $bad"
}

flood() { # $1 mode, $2 count; stops when every wrk thread has its share answered, or after MAX_SECONDS
  local dir=$OUT/done pid
  rm -rf "$dir"; mkdir -p "$dir"
  MODE=$1 COUNT=$2 WRK_THREADS=$THREADS DONE_DIR=$dir \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${MAX_SECONDS}s" --timeout 5s -s "$HERE/flood.lua" \
    "http://127.0.0.1:$CALLBACK_PORT" >"$OUT/wrk.out" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    if (( $(ls "$dir" | wc -l) >= THREADS )); then kill -INT "$pid" 2>/dev/null || true; break; fi
    sleep 0.2
  done
  wait "$pid" || true
  grep '^FLOOD' "$OUT/wrk.out" || echo "FLOOD mode=$1 (wrk gave no result; see $OUT/wrk.out)"
}

read -r ok bad < <(registry_intact)
[[ $bad == 0 ]] || { echo "seeded devices do not authenticate before the flood ($bad of $DEVICES)"; exit 1; }
echo "# $(date -u +%FT%TZ) flow=$FLOW_ROOT ($(git -C "$FLOW_ROOT" rev-parse --short HEAD)) count=$COUNT/$COUNT_TOKEN/$COUNT_ACL c=$CONNECTIONS t=$THREADS nproc=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg) (machine shared with other sessions)" | tee -a "$OUT/results.txt"
fail=0
for mode in $SCENARIOS; do
  flood "$mode" 2000 >/dev/null # warm-up: JIT, connection pools, lazily built state; not measured
  h0=$(heap_kib); t0=$(threads); f0=$(fds)
  case $mode in auth) n=$COUNT ;; token) n=$COUNT_TOKEN ;; acl) n=$COUNT_ACL ;; *) echo "unknown scenario $mode" >&2; exit 2 ;; esac
  line=$(flood "$mode" "$n")
  h1=$(heap_kib); t1=$(threads); f1=$(fds)
  read -r ok bad < <(registry_intact)
  wrong=$(grep -oE 's2xx=[0-9]+' <<<"$line" | cut -d= -f2); wrong=${wrong:-unknown}
  growth=$(( (h1 - h0) / 1024 ))
  verdict=PASS
  [[ $wrong == 0 ]] || verdict=FAIL
  (( h1 - h0 <= HEAP_BOUND_MIB * 1024 )) || verdict=FAIL
  [[ $bad == 0 ]] || verdict=FAIL
  [[ $verdict == PASS ]] || fail=1
  echo "RESULT $verdict requested=$n ${line#FLOOD } wrongly_allowed=$wrong heap_after_gc_kib=$h0->$h1 growth_mib=$growth (bound $HEAP_BOUND_MIB) threads=$t0->$t1 fds=$f0->$f1 seeded_devices_ok=$ok/$DEVICES load=$(cut -d' ' -f1 /proc/loadavg)" \
    | tee -a "$OUT/results.txt"
done
exit $fail
