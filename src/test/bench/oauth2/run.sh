#!/usr/bin/env bash
# Benchmark harness for flow oauth2 (not a timed test; numbers go to RESULTS.md beside this file).
#
#   src/test/bench/oauth2/run.sh [verifier|http|all]     (default all)
#
# verifier: TokenVerifier validations/s with cached keys, 1 thread and 2 threads (in-process),
#           after a bare JDK RSA-2048 verify loop as the baseline (RsaBaseline.java); mode "full"
#           (verified-token cache off: every call checks the signature) and "repeat" (cache on,
#           the same 64 tokens again and again, as client-credentials clients send them).
# http:     the Spring Boot gateway (every flow) against its own real broker stack (config/stack.sh,
#           private dir and ports), a client-credentials token from the real dev issuer, then
#           GET /api/whoami driven from separate processes: wrk (fixed concurrency, max throughput)
#           and hey (fixed rate: 20 workers x 100 req/s = 2000 req/s), both reporting p50/p99; then wrk
#           paced at about 2000 req/s (paced.lua: 13 connections, 5 ms between requests each).
# Env: BENCH_WARMUP (seconds of unmeasured load before each server's runs, default 30), BENCH_TARGETS ("boot flow": which HTTP servers to drive), BENCH_SECONDS (default 20), BENCH_HTTP_PORT (18480), BENCH_PORT_BASE (18400), FLOW_JAVA_OPTS (extra JVM
#      options of the flow-alone JVM, e.g. a GC choice; unset = the JVM defaults).
set -euo pipefail
# FLOW_RUNTIME=deployed (default): the flow JVM as Camel K runs it (no JMX, so no `camel run` CLI-connector
# polling of JMX dev consoles every second); FLOW_RUNTIME=dev: `camel run`'s own defaults.
case ${FLOW_RUNTIME:-deployed} in
  deployed) RUNTIME_OPTS=-Dcamel.main.jmxEnabled=false ;;
  dev) RUNTIME_OPTS= ;;
  *) echo "FLOW_RUNTIME must be deployed or dev" >&2; exit 2 ;;
esac
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
cd "$ROOT"
WHAT=${1:-all}
SECONDS_PER_RUN=${BENCH_SECONDS:-20}
WARMUP_SECONDS=${BENCH_WARMUP:-30}
HTTP_PORT=${BENCH_HTTP_PORT:-18480}
BASE=${BENCH_PORT_BASE:-18400}
OUT=target/bench-oauth2
mkdir -p "$OUT/classes"

echo "# $(date -u +%FT%TZ) flow runtime ${FLOW_RUNTIME:-deployed}, $(nproc) cores, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
mvn -B -o -q test-compile
mvn -B -o -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$OUT/test.classpath" >/dev/null
mvn -B -o -q dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$OUT/runtime.classpath" >/dev/null
TEST_CP="target/classes:target/test-classes:$(<"$OUT/test.classpath")"

if [[ $WHAT == verifier || $WHAT == all ]]; then
  javac -q -d "$OUT/classes" -cp "$TEST_CP" src/test/bench/oauth2/VerifierBench.java 2>/dev/null \
    || javac -d "$OUT/classes" -cp "$TEST_CP" src/test/bench/oauth2/VerifierBench.java
  java -Xmx256m src/test/bench/oauth2/RsaBaseline.java "$SECONDS_PER_RUN"
  java -Xmx256m -cp "$TEST_CP" src/test/bench/oauth2/CostBreakdown.java
  for mode in full repeat; do
    for threads in 1 2; do
      java -Xmx512m -cp "$OUT/classes:$TEST_CP" io.caravan.oauth2.VerifierBench "$threads" "$SECONDS_PER_RUN" "$mode"
    done
  done
fi

if [[ $WHAT == http || $WHAT == all ]]; then
  command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 2; }
  command -v hey >/dev/null || { echo "hey missing: apt-get install -y hey" >&2; exit 2; }
  export CARAVAN_STACK_DIR=$ROOT/$OUT/stack CARAVAN_BIND=127.0.0.1
  export CARAVAN_REDIS_PORT=$((BASE + 1)) CARAVAN_AMQP_PORT=$((BASE + 2)) CARAVAN_RABBIT_MGMT_PORT=$((BASE + 3))
  export CARAVAN_RABBIT_DIST_PORT=$((BASE + 4)) CARAVAN_EPMD_PORT=$((BASE + 5)) CARAVAN_MQTT_PORT=$((BASE + 6))
  export CARAVAN_MQTT_WS_PORT=$((BASE + 7)) CARAVAN_OIDC_PORT=$((BASE + 8))
  ISSUER=http://127.0.0.1:$CARAVAN_OIDC_PORT/caravan
  APP_PID=
  cleanup() {
    [[ -n $APP_PID ]] && kill "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null || true
    config/stack.sh stop >/dev/null 2>&1 || true
  }
  trap cleanup EXIT
  FLOW_PORT=$((HTTP_PORT + 1))
  # utime + stime of a JVM, in clock ticks
  cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
  # drive <label> <url> <pid>: warm-up, wrk at fixed concurrency (+ server CPU per request), hey at 2000 req/s.
  # One client-credentials token for every request, as such a client sends it for the token's lifetime.
  drive() {
    local label=$1 url=$2 pid=$3
    echo "=== $label"
    echo "--- curl (sanity)"
    curl -sS -i "$url" -H "Authorization: Bearer $TOKEN" | sed -n '1p;$p'
    echo
    echo "--- warm-up: wrk -t2 -c16 -d${WARMUP_SECONDS}s (JIT; a whole Spring Boot gateway needs ~30 s on 2 cores)"
    wrk -t2 -c16 -d"${WARMUP_SECONDS}s" -H "Authorization: Bearer $TOKEN" "$url" >/dev/null
    echo "--- wrk -t1 -c16 -d${SECONDS_PER_RUN}s --latency (fixed concurrency 16, as fast as possible); load $(cut -d' ' -f1-3 /proc/loadavg)"
    local cpu0 cpu1 requests
    cpu0=$(cpu_ticks "$pid")
    wrk -t1 -c16 -d"${SECONDS_PER_RUN}s" --latency -H "Authorization: Bearer $TOKEN" "$url" | tee "$OUT/wrk.txt"
    cpu1=$(cpu_ticks "$pid")
    requests=$(awk '/requests in/ {print $1}' "$OUT/wrk.txt")
    awk -v t=$((cpu1 - cpu0)) -v hz="$(getconf CLK_TCK)" -v n="$requests" \
      'BEGIN { ms = t * 1000 / hz / n; printf "server CPU per request: %.3f ms => about %.0f req/s per fully available core\n", ms, 1000 / ms }'
    echo "--- hey -z ${SECONDS_PER_RUN}s -c 20 -q 100 (fixed rate 2000 req/s); load $(cut -d' ' -f1-3 /proc/loadavg)"
    hey -z "${SECONDS_PER_RUN}s" -c 20 -q 100 -H "Authorization: Bearer $TOKEN" "$url" \
      | sed -n '/Summary/,/Status code distribution/p;/\[200\]/p;/\[40/p;/\[50/p'
    echo "--- PACE_MS=5 wrk -t2 -c13 -d${SECONDS_PER_RUN}s --latency -s paced.lua (about 2000 req/s: 13 connections, one request per 5 ms + latency each); load $(cut -d' ' -f1-3 /proc/loadavg)"
    PACE_MS=5 wrk -t2 -c13 -d"${SECONDS_PER_RUN}s" --latency -s src/test/bench/oauth2/paced.lua \
      -H "Authorization: Bearer $TOKEN" "$url" | sed -n '/Latency Distribution/,$p'
  }
  # await_http <url> <log>: until the server started as $APP_PID answers <url> with any HTTP status (2 min at most)
  await_http() {
    for _ in $(seq 1 240); do
      [[ $(curl -s -o /dev/null -w '%{http_code}' "$1" 2>/dev/null) != 000 ]] && return 0
      kill -0 "$APP_PID" 2>/dev/null || { tail -30 "$2"; echo "server died; see $2" >&2; exit 1; }
      sleep 0.5
    done
    echo "no answer from $1; see $2" >&2
    exit 1
  }
  TARGETS=" ${BENCH_TARGETS:-boot flow} "
  if [[ $TARGETS == *" boot "* ]]; then config/stack.sh start >/dev/null; else config/stack.sh start oidc >/dev/null; fi
  TOKEN=$(curl -fsS "$ISSUER/token" -d grant_type=client_credentials -d client_id=caravan-reader -d client_secret=dev \
    | tr -d '\n' | grep -o '"access_token" *: *"[^"]*"' | sed -E 's/.*"([^"]+)"$/\1/')
  [[ $TOKEN == eyJ* ]] || { echo "no token from $ISSUER" >&2; exit 1; }
  if [[ $TARGETS == *" boot "* ]]; then
    java -Xmx512m -cp "target/classes:$(<"$OUT/runtime.classpath")" io.caravan.CaravanApplication \
      --spring.config.location="classpath:/,optional:file:$ROOT/config/local/" \
      --server.port="$HTTP_PORT" --oauth2.issuer.caravan.uri="$ISSUER" \
      --spring.data.redis.port="$CARAVAN_REDIS_PORT" --spring.rabbitmq.port="$CARAVAN_AMQP_PORT" \
      --camel.component.paho-mqtt5.broker-url="tcp://127.0.0.1:$CARAVAN_MQTT_PORT" \
      --logging.level.root=WARN >"$OUT/app.log" 2>&1 &
    APP_PID=$!
    await_http "http://127.0.0.1:$HTTP_PORT/api/status" "$OUT/app.log"
    drive "Spring Boot gateway (every flow, Tomcat + Spring MVC + platform-http)" \
      "http://127.0.0.1:$HTTP_PORT/api/whoami" "$APP_PID"
    kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true; APP_PID=
  fi

  if [[ $TARGETS == *" flow "* ]]; then
    # The flow alone, as an operator runs it (`camel run ... --profile=prod`; Vert.x platform-http,
    # the HTTP server Camel K's runtimes use too). The issuer gets its own id: a --prop cannot
    # override a key the flow's application.properties sets.
    JBANG_CP=$(bash "$ROOT/config/stack.sh" jbang-classpath)
    (cd "$OUT" && exec java -Xmx512m $RUNTIME_OPTS ${FLOW_JAVA_OPTS:-} -Duser.home="$ROOT/$OUT/jbang-home" \
      -cp "$(<"$JBANG_CP"):$ROOT/target/classes:$ROOT/target/test-classes" \
      io.caravan.common.JBangLauncher run "$ROOT/routes/oauth2/oauth2.camel.yaml" "$ROOT/routes/oauth2/application.properties" \
      --profile=prod --port="$FLOW_PORT" --prop=oauth2.issuers=bench --prop=oauth2.issuer.bench.uri="$ISSUER" \
      --prop=oauth2.issuer.bench.audience=api://caravan --logging-level=warn) >"$OUT/flow.log" 2>&1 &
    APP_PID=$!
    await_http "http://127.0.0.1:$FLOW_PORT/api/whoami" "$OUT/flow.log"
    drive "oauth2 flow alone (camel run --profile=prod, Vert.x platform-http)" \
      "http://127.0.0.1:$FLOW_PORT/api/whoami" "$APP_PID"
  fi
fi
