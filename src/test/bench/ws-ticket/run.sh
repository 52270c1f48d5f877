#!/usr/bin/env bash
# ws-ticket benchmark: tickets issued + redeemed per second, and WebSocket handshake latency.
# Starts its own Redis and OIDC dev issuer (config/stack.sh, private dir and ports under
# target/bench-ws-ticket), builds and starts the gateway jar against them, fetches a token with
# the ws:ticket scope, then runs the load client for each concurrency level (wsload.c, one thread
# with epoll, built here with gcc; CLIENT=java: WsTicketBench.java, asynchronous Vert.x), and
# StoreBench.java (the ticket store alone, no HTTP/JWT/WebSocket) to show what Redis itself costs.
#
#   src/test/bench/ws-ticket/run.sh [seconds per level (20)] [concurrency levels ("4 16")] [warm-up seconds (60)]
#   RUNTIME=jbang src/test/bench/ws-ticket/run.sh ...   the flow alone under Camel JBang's runtime
#                                                       (camel-main, platform-http on Vert.x; how Camel K runs it)
#   FLOW_RUNTIME=deployed (default) | dev               with RUNTIME=jbang: deployed = as Camel K runs it (prod
#                                                       profile, no JMX), like the oauth2, mqtt-acl and
#                                                       events-fanout harnesses; dev = JMX on (per-processor
#                                                       statistics, the CLI connector polls JMX dev consoles)
#   RUNTIME=floor src/test/bench/ws-ticket/run.sh ...   FloorServer.java instead of the gateway: plain Vert.x,
#                                                       no Camel, no token check, no Redis (what the machine can do at all)
#   PIN=1 ...                                           gateway on CPU 1 only; Redis, the OIDC issuer and the load
#                                                       client on CPU 0 (the gateway's capacity per dedicated core)
#   CLIENT=c (default) | java                           the load client: wsload.c (one thread, epoll) or
#                                                       WsTicketBench.java (Vert.x; costs ~2x the CPU per cycle
#                                                       on the cores the gateway needs)
#   WSLOAD_CLOSE=hangup (default) | wait ...            C client: hang up right after its close frame, or wait
#                                                       for the server to end the connection as a browser does
#   CLIENT_LOOPS=N ...                                  event loops of the Java load client (2)
#   NEXT_WARMUP=N ...                                   warm-up seconds of every level after the first (the JIT
#                                                       is warm by then; default: the same as the first)
#   STORE_BENCH=0 ...                                   skip the ticket-store-alone phases at the end
#   NATIVE_TRANSPORT=false ...                          the gateway's ws-ticket.ws.native-transport (default true:
#                                                       Netty's native epoll; false: Java NIO)
#
# The gateway is a freshly started JVM with ~15k classes: its JIT compilers work for minutes. The
# warm-up (same load, not measured) must therefore be long; the load client prints the gateway's
# CPU time per cycle split by thread pool ("C2 CompilerThre" = JIT still compiling).
#
# Every cycle is a real POST /api/ws-tickets (bearer token checked, SET NX EX in Redis) plus a real
# RFC 6455 handshake on a new TCP connection (GETDEL in Redis, 101); every 10th ticket is replayed
# and must get 401. The script fails if any cycle fails or any replay is accepted.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
HERE=$ROOT/src/test/bench/ws-ticket
SECONDS_PER_LEVEL=${1:-20}
LEVELS=${2:-"4 16"}
WARMUP=${3:-60}
RUNTIME=${RUNTIME:-boot}
CLIENT=${CLIENT:-c}
CLIENT_LOOPS=${CLIENT_LOOPS:-2}
[[ $CLIENT == c || $CLIENT == java ]] || { echo "CLIENT must be c or java" >&2; exit 2; }
case ${FLOW_RUNTIME:-deployed} in
  deployed) RUNTIME_OPTS=-Dcamel.main.jmxEnabled=false ;;
  dev) RUNTIME_OPTS= ;;
  *) echo "FLOW_RUNTIME must be deployed or dev" >&2; exit 2 ;;
esac
GATEWAY_CPUS=
if [[ ${PIN:-0} == 1 ]]; then
  (( $(nproc --all) >= 2 )) || { echo "PIN=1 needs 2 CPUs" >&2; exit 2; }
  taskset -p -c 0 $$ >/dev/null   # this script and everything it starts from now on (Redis, OIDC issuer, client)
  GATEWAY_CPUS="taskset -c 1"
fi
OUT=$ROOT/target/bench-ws-ticket
mkdir -p "$OUT"
# one run at a time: a second one would share the Redis/OIDC stack directory and the two CPUs
exec 9>"$OUT/run.lock"
flock -n 9 || { echo "another ws-ticket benchmark is running (lock $OUT/run.lock)" >&2; exit 2; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
export CARAVAN_STACK_DIR=$OUT/stack
export CARAVAN_REDIS_PORT=$(free_port) CARAVAN_OIDC_PORT=$(free_port)
HTTP_PORT=$(free_port)
WS_PORT=$(free_port)

GATEWAY_PID=
cleanup() {
  [[ -n $GATEWAY_PID ]] && kill "$GATEWAY_PID" 2>/dev/null && wait "$GATEWAY_PID" 2>/dev/null || true
  bash "$ROOT/config/stack.sh" stop redis oidc >/dev/null 2>&1 || true
}
trap cleanup EXIT

bash "$ROOT/config/stack.sh" start redis oidc
(cd "$ROOT" && mvn -B -q -DskipTests package \
  && mvn -B -q dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$OUT/classpath")
if [[ $CLIENT == c ]]; then gcc -O2 -Wall -o "$OUT/wsload" "$HERE/wsload.c"; fi
cd "$OUT"
if [[ $RUNTIME == jbang ]]; then
  # what io.caravan.common.JBangFlow (WsTicketJBangTest) runs: `camel run` of routes/ws-ticket/ alone, but with
  # --profile=prod: the default dev profile adds dev consoles polled by the CLI connector and the backlog tracer,
  # which took half of the samples in a profile (Camel K runs the prod profile)
  JBANG_CP=$(bash "$ROOT/config/stack.sh" jbang-classpath)
  mkdir -p "$OUT/jbang-work"
  (cd "$OUT/jbang-work" && exec $GATEWAY_CPUS java -Xmx512m $RUNTIME_OPTS -Duser.home="$ROOT/target/jbang-home" \
    -cp "$(cat "$JBANG_CP"):$ROOT/target/classes:$ROOT/target/test-classes" io.caravan.common.JBangLauncher run \
    "$ROOT/routes/ws-ticket/ws-ticket.camel.yaml" "$ROOT/routes/ws-ticket/application.properties" \
    --port="$HTTP_PORT" --name=ws-ticket-bench --profile=prod \
    --prop=oauth2.issuer.caravan.uri="http://127.0.0.1:$CARAVAN_OIDC_PORT/caravan" \
    --prop=ws-ticket.redis.port="$CARAVAN_REDIS_PORT" --prop=ws-ticket.ws.port="$WS_PORT" \
    --prop=ws-ticket.ws.native-transport="${NATIVE_TRANSPORT:-true}" \
    --logging-level=WARN) >"$OUT/gateway.log" 2>&1 &
elif [[ $RUNTIME == floor ]]; then
  $GATEWAY_CPUS java -cp "$(cat "$OUT/classpath")" "$HERE/FloorServer.java" "$HTTP_PORT" "$WS_PORT" >"$OUT/gateway.log" 2>&1 &
else
$GATEWAY_CPUS java -Xmx512m -jar "$ROOT"/target/caravan-*-exec.jar \
  --spring.config.location="classpath:/,optional:file:$ROOT/config/local/" \
  --server.port="$HTTP_PORT" \
  --spring.data.redis.port="$CARAVAN_REDIS_PORT" \
  --oauth2.issuer.caravan.uri="http://127.0.0.1:$CARAVAN_OIDC_PORT/caravan" \
  --ws-ticket.ws.port="$WS_PORT" --ws-ticket.ws.native-transport="${NATIVE_TRANSPORT:-true}" \
  --spring.rabbitmq.port=1 --camel.component.paho-mqtt5.broker-url=tcp://127.0.0.1:1 \
  --logging.level.root=WARN >"$OUT/gateway.log" 2>&1 &
fi
GATEWAY_PID=$!
for _ in $(seq 1 240); do
  # ready when the issuing route answers (401 without a token; the floor server answers 201 to anyone)
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$HTTP_PORT/api/ws-tickets" || true)
  [[ $code == 401 || ( $RUNTIME == floor && $code == 201 ) ]] && break
  kill -0 "$GATEWAY_PID" 2>/dev/null || { tail -50 "$OUT/gateway.log"; exit 1; }
  sleep 0.5
done
TOKEN=$(curl -fsS "http://127.0.0.1:$CARAVAN_OIDC_PORT/caravan/token" -d grant_type=client_credentials \
  -d client_id=bench-user -d client_secret=dev --data-urlencode 'scope=ws:ticket' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

echo "machine: $(nproc --all) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1), runtime: $RUNTIME$([[ $RUNTIME == jbang ]] && echo " (${FLOW_RUNTIME:-deployed}: ${RUNTIME_OPTS:-JMX on})"), pinned: ${PIN:-0}, client: $CLIENT$([[ $CLIENT == java ]] && echo " ($CLIENT_LOOPS loops)"), native transport: ${NATIVE_TRANSPORT:-true}"
for c in $LEVELS; do
  echo "--- concurrency $c, ${SECONDS_PER_LEVEL}s (after ${WARMUP} s warm-up), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  if [[ $CLIENT == c ]]; then
    "$OUT/wsload" 127.0.0.1 "$HTTP_PORT" "$WS_PORT" "$TOKEN" "$c" "$SECONDS_PER_LEVEL" "$WARMUP" "$GATEWAY_PID"
  else
    java -cp "$(cat "$OUT/classpath")" "$HERE/WsTicketBench.java" "http://127.0.0.1:$HTTP_PORT" "$WS_PORT" "$TOKEN" "$c" \
      "$SECONDS_PER_LEVEL" "$WARMUP" "$GATEWAY_PID" "$CLIENT_LOOPS"
  fi
  WARMUP=${NEXT_WARMUP:-$WARMUP}
done
if [[ ${STORE_BENCH:-1} == 1 ]]; then
  for c in $LEVELS; do
    echo "--- ticket store alone (TicketService + LettuceTicketStore on the same Redis), concurrency $c, ${SECONDS_PER_LEVEL}s"
    java -cp "$ROOT/target/classes:$(cat "$OUT/classpath")" "$HERE/StoreBench.java" "$CARAVAN_REDIS_PORT" "$c" "$SECONDS_PER_LEVEL"
  done
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
