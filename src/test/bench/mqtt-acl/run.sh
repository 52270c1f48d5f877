#!/usr/bin/env bash
# Benchmark of the mqtt-acl callbacks: callbacks/s and p50/p99 latency of /acl and /auth
# (mosquitto-auth-plug dialect, byte-for-byte what the plugin sends) from a separate load process
# (wrk), with the registry in a real Redis; cache warm and cold (cold = mqtt-acl.cache.ttl-seconds=0,
# every callback reads Redis); keep-alive and a new TCP connection per request (the legacy plugin's way).
#
#   src/test/bench/mqtt-acl/run.sh [duration=15s] [connections=16] [threads=2] [devices=1000]
#   (WARMUP=15s: each path is driven that long, unmeasured, after the server starts)
#   (FLOW_JAVA_OPTS: extra JVM options of the flow JVM, e.g. a GC choice; unset = the JVM defaults)
#   (CACHES="warm cold": which cache states to run; PACE_MS=n: each connection waits n ms between its
#    requests (wrk's delay()), i.e. a fixed offered rate of about connections x 1000/n per second
#    instead of as fast as possible; unset = as fast as possible)
#
# Needs: wrk and /usr/bin/time (apt-get install -y wrk time), redis-server, a built project (mvn -o test-compile).
# Server: routes/mqtt-acl alone under Camel JBang's runtime (the same launcher as the JBang test),
# its own JVM; Redis from config/stack.sh on free ports in target/bench-mqtt-acl/.
# Output: one RESULT line per scenario, also appended to target/bench-mqtt-acl/results.txt.
set -euo pipefail
# FLOW_RUNTIME=deployed (default): the flow JVM as Camel K runs it (no JMX, so no `camel run` CLI-connector
# polling of JMX dev consoles every second); FLOW_RUNTIME=dev: `camel run`'s own defaults.
case ${FLOW_RUNTIME:-deployed} in
  deployed) RUNTIME_OPTS=-Dcamel.main.jmxEnabled=false ;;
  dev) RUNTIME_OPTS= ;;
  *) echo "FLOW_RUNTIME must be deployed or dev" >&2; exit 2 ;;
esac
DURATION=${1:-15s}
CONNECTIONS=${2:-16}
THREADS=${3:-2}
DEVICES=${4:-1000}
WARMUP=${WARMUP:-15s}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
HERE=$ROOT/src/test/bench/mqtt-acl
OUT=$ROOT/target/bench-mqtt-acl
mkdir -p "$OUT"
cd "$ROOT"

command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time missing: apt-get install -y time" >&2; exit 2; }
[[ -d target/classes/io/caravan/mqttacl ]] || mvn -B -q -o test-compile
TARGET=${TARGET:-flow}
COMPONENT=${COMPONENT:-mqtt-acl-http}
FLOW_YAML=$ROOT/routes/mqtt-acl/mqtt-acl.camel.yaml
if [[ $COMPONENT == jetty ]]; then
  FLOW_YAML=$OUT/mqtt-acl-jetty.camel.yaml
  sed 's#uri: "mqtt-acl-http://#uri: "jetty:http://#' "$ROOT/routes/mqtt-acl/mqtt-acl.camel.yaml" >"$FLOW_YAML"
elif [[ $COMPONENT != mqtt-acl-http ]]; then
  echo "COMPONENT must be mqtt-acl-http or jetty" >&2; exit 2
fi
if [[ $TARGET == gateway ]]; then
  mvn -B -o -q dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$OUT/runtime.classpath" >/dev/null
  CP="$ROOT/target/classes:$(<"$OUT/runtime.classpath")"
elif [[ $TARGET == flow ]]; then
  CP="$(cat "$(bash "$ROOT/config/stack.sh" jbang-classpath)"):$ROOT/target/classes:$ROOT/target/test-classes"
else
  echo "TARGET must be flow or gateway" >&2; exit 2
fi
[[ -n ${EXTRA_CP:-} ]] && CP="$EXTRA_CP:$CP"

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

echo "seeding $DEVICES devices into $REDIS_URI"
java -cp "$CP" "$HERE/Seed.java" "$REDIS_URI" "$DEVICES" "$OUT/secrets.txt"

start_gateway() { # $1 = cache ttl seconds; the flow's file replaced when COMPONENT=jetty
  local api_port log routes
  api_port=$(free_port)
  CALLBACK_PORT=$(free_port)
  log=$OUT/gateway-ttl$1.log
  routes=$(sed -n '/^camel.main.routes-include-pattern=/,/^$/p' src/main/resources/application.properties \
    | grep -o 'classpath:routes/[^,]*yaml' | sed "s#classpath:routes/mqtt-acl/mqtt-acl.camel.yaml#file:$FLOW_YAML#" | paste -sd,)
  java -Xmx512m ${FLOW_JAVA_OPTS:-} -cp "$CP" io.caravan.CaravanApplication \
    --spring.config.location="classpath:/,optional:file:$ROOT/config/local/" --server.port="$api_port" \
    --camel.main.routes-include-pattern="$routes" \
    --mqtt-acl.http.port="$CALLBACK_PORT" --mqtt-acl.redis.uri="$REDIS_URI" --mqtt-acl.cache.ttl-seconds="$1" \
    --spring.data.redis.port="$REDIS_PORT" --spring.rabbitmq.port="$(free_port)" \
    --camel.component.paho-mqtt5.broker-url="tcp://127.0.0.1:$(free_port)" --ws-ticket.ws.port="$(free_port)" \
    --logging.level.root=WARN >"$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 360); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$CALLBACK_PORT/acl" 2>/dev/null) != 000 ]] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -30 "$log"; exit 1; }
    sleep 0.5
  done
  echo "gateway did not start; see $log" >&2
  exit 1
}

start_server() { # $1 = cache ttl seconds
  [[ $TARGET == gateway ]] && { start_gateway "$1"; return; }
  local api_port log
  api_port=$(free_port)
  CALLBACK_PORT=$(free_port)
  log=$OUT/server-ttl$1.log
  java -Xmx512m $RUNTIME_OPTS ${FLOW_JAVA_OPTS:-} -Duser.home="$ROOT/target/jbang-home" -cp "$CP" io.caravan.common.JBangLauncher run \
    "$FLOW_YAML" "$ROOT/routes/mqtt-acl/application.properties" \
    --port="$api_port" --name=mqtt-acl --profile=prod \
    --prop=mqtt-acl.http.port="$CALLBACK_PORT" --prop=mqtt-acl.redis.uri="$REDIS_URI" \
    --prop=mqtt-acl.cache.ttl-seconds="$1" \
    --prop=oauth2.issuers=caravan --prop=oauth2.issuer.caravan.uri=http://127.0.0.1:1/caravan \
    --prop=oauth2.issuer.caravan.audience=api://caravan >"$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 240); do
    grep -qE "Apache Camel \S+ \(.*\) started in" "$log" && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -30 "$log"; exit 1; }
    sleep 0.5
  done
  echo "server did not start; see $log" >&2
  exit 1
}

stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
}

cpu_ticks() { # utime+stime of the server JVM, in clock ticks
  awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"
}

run() { # $1 cache label, $2 callback, $3 connection mode
  local line t0 t1 requests cpu_us
  # short warm-up (connections, cache fill in the warm case), then the measured run
  SECRETS=$OUT/secrets.txt CALLBACK=$2 CONNECTION=$3 wrk -t"$THREADS" -c"$CONNECTIONS" -d2s \
    -s "$HERE/callbacks.lua" "http://127.0.0.1:$CALLBACK_PORT" >/dev/null
  load0=$(cut -d' ' -f1 /proc/loadavg)
  t0=$(cpu_ticks)
  line=$(SECRETS=$OUT/secrets.txt CALLBACK=$2 CONNECTION=$3 PACE_MS=${PACE_MS:-0} /usr/bin/time -f '%U %S' -o "$OUT/wrk.time" \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s "$HERE/callbacks.lua" "http://127.0.0.1:$CALLBACK_PORT" | grep '^RESULT')
  t1=$(cpu_ticks)
  # server CPU per callback: independent of how busy the shared machine is
  requests=$(sed 's/.*requests=\([0-9]*\).*/\1/' <<<"$line")
  cpu_us=$(( (t1 - t0) * 1000000 / $(getconf CLK_TCK) / (requests > 0 ? requests : 1) ))
  # the load driver's own CPU per callback (wrk + lua): it shares the cores with the server
  wrk_us=$(awk -v n="$requests" '{ printf "%d", ($1 + $2) * 1000000 / (n > 0 ? n : 1) }' "$OUT/wrk.time")
  echo "RESULT target=$TARGET component=$COMPONENT${EXTRA_CP:+ extra_cp=$EXTRA_CP} cache=$1 callback=/$2 connection=$3 c=$CONNECTIONS t=$THREADS pace_ms=${PACE_MS:-0} ${line#RESULT } server_cpu_us_per_callback=$cpu_us wrk_cpu_us_per_callback=$wrk_us load=$load0..$(cut -d' ' -f1 /proc/loadavg)" \
    | tee -a "$OUT/results.txt"
}

echo "# $(date -u +%FT%TZ) target=$TARGET component=$COMPONENT runtime=${FLOW_RUNTIME:-deployed} pace_ms=${PACE_MS:-0} duration=$DURATION connections=$CONNECTIONS threads=$THREADS devices=$DEVICES nproc=$(nproc)" >>"$OUT/results.txt"
for cache in ${CACHES:-warm cold}; do
  if [[ $cache == warm ]]; then start_server 300; else start_server 0; fi
  # JIT warm-up of every path before anything is measured
  for callback in ${CALLBACKS:-acl auth}; do
    for connection in ${CONNECTION_MODES:-keep-alive close}; do
      SECRETS=$OUT/secrets.txt CALLBACK=$callback CONNECTION=$connection wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" \
        -s "$HERE/callbacks.lua" "http://127.0.0.1:$CALLBACK_PORT" >/dev/null
    done
  done
  for callback in ${CALLBACKS:-acl auth}; do
    for connection in ${CONNECTION_MODES:-keep-alive close}; do
      run "$cache" "$callback" "$connection"
    done
  done
  stop_server
done
