#!/usr/bin/env bash
# Caravan's local broker stack: real Redis, RabbitMQ (+ management), Mosquitto (MQTT + WebSockets)
# and an OIDC dev issuer (navikt mock-oauth2-server), run as the current user from Debian packages,
# each with its data, log and pid file under one stack dir. The one entry point for real local
# services (tests, .ci/run and developers all use it).
#
#   config/stack.sh install          apt packages (apt-get update only if one is missing) + OIDC jars
#                                    + the `camel` command (Camel JBang CLI, config/jbang/)
#   config/stack.sh start  [svc...]  svc: redis rabbitmq mosquitto oidc (default all); prints "<svc> <url>"
#   config/stack.sh stop   [svc...]  clean stop (SIGTERM, then SIGKILL); idempotent
#   config/stack.sh status [svc...]  "<svc> UP <url>" / "<svc> DOWN"; exit 0 all up, 3 otherwise
#   config/stack.sh run [args...]    install + start all + build + the gateway with every flow (foreground)
#   config/stack.sh test [args...]   install + `mvn -B verify` (the whole suite; .ci/run)
#   config/stack.sh flow <flow> [..] one flow alone under Camel JBang (mvn install + the README's `camel run`)
#
# Environment (defaults): CARAVAN_STACK_DIR=$HOME/.caravan/stack  CARAVAN_BIND=127.0.0.1
#   CARAVAN_REDIS_PORT=6379  CARAVAN_AMQP_PORT=5672  CARAVAN_RABBIT_MGMT_PORT=15672
#   CARAVAN_RABBIT_DIST_PORT=25672  CARAVAN_EPMD_PORT=4371 (private epmd, never 4369)
#   CARAVAN_MQTT_PORT=1883  CARAVAN_MQTT_WS_PORT=9001  CARAVAN_OIDC_PORT=9080
#   CARAVAN_OIDC_JSON_CONFIG=config/brokers/oidc/config.json (mock-oauth2-server JSON_CONFIG)
# Several stacks (own dir + own ports each) can run side by side: nothing is shared between stack
# dirs (RabbitMQ node caravan-<amqp port>@localhost, its HOME/cookie/mnesia/logs in the stack dir).
# Layout: <stack dir>/<svc>/{<svc>.pid,<svc>.log,...}; rabbitmq also has log/, mnesia/, epmd.pid.
# Run stop before deleting a stack dir: the pid files are the only handle on its processes.
#
# OIDC dev issuer "caravan" (mock-oauth2-server 2.3.0, config config/brokers/oidc/config.json):
# client_credentials with any client_secret; the requested scopes land in the "scp" claim as one
# space-separated string, "aud" is "api://caravan", "sub" and "azp" are the client id. Without a
# scope parameter, client caravan-admin gets scp "whoami devices:admin firmware:publish ws:ticket
# mqtt:token channels:control", caravan-reader gets "whoami" (client_id must then be in the body).
# Keys are new at every start: fetch the JWKS (/caravan/jwks) after a restart. Verified:
#   curl -s http://127.0.0.1:9080/caravan/token -d grant_type=client_credentials \
#     -d client_id=caravan-admin -d client_secret=dev --data-urlencode 'scope=whoami devices:admin'
#   -> { "token_type" : "Bearer", "access_token" : "eyJraWQiOiJjYXJhdmFuIi...", "expires_in" : 3599,
#        "scope" : "whoami devices:admin" }
#   access_token payload: {"sub":"caravan-admin","aud":"api://caravan","scp":"whoami devices:admin",
#     "azp":"caravan-admin","iss":"http://127.0.0.1:9080/caravan","nbf":..,"exp":..,"iat":..,"jti":..}
#
# Measured here (2 cores): start all 9-15 s (RabbitMQ 5.7 s alone, OIDC JVM 2.2 s, Redis and
# Mosquitto 0.3 s; the first OIDC start also fetches its jars, ~5-16 s), start when already up
# 0.07 s; stop 6.2 s (RabbitMQ's clean SIGTERM stop), others < 0.5 s.
set -euo pipefail
shopt -u patsub_replacement 2>/dev/null || true

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BROKERS=$ROOT/config/brokers
ALL_SVCS=(redis rabbitmq mosquitto oidc)
# mosquitto-dev (mosquitto_broker.h, mosquitto_plugin.h) + libmosquitto-dev (mosquitto.h) + libcurl4-openssl-dev + gcc: the mqtt-acl test builds a Mosquitto auth plugin that speaks
# mosquitto-auth-plug's HTTP protocol; wrk drives the benchmarks.
APT_PACKAGES=(redis-server rabbitmq-server mosquitto mosquitto-clients mosquitto-dev libmosquitto-dev libcurl4-openssl-dev gcc ffmpeg reprepro gnupg dpkg-dev iproute2 curl wrk)
OIDC_POM=$BROKERS/oidc/pom.xml
OIDC_TARGET=$BROKERS/oidc/target
OIDC_LIB=$OIDC_TARGET/lib
RABBIT_BIN=/usr/lib/rabbitmq/bin
CAMEL_SRC=$ROOT/config/jbang
# `camel` goes to $CAMEL_PREFIX/bin (root: /usr/local, otherwise ~/.local)
if ((EUID == 0)); then CAMEL_PREFIX=${CARAVAN_CAMEL_PREFIX:-/usr/local}; else CAMEL_PREFIX=${CARAVAN_CAMEL_PREFIX:-$HOME/.local}; fi

STACK_DIR=${CARAVAN_STACK_DIR:-$HOME/.caravan/stack}
BIND=${CARAVAN_BIND:-127.0.0.1}
REDIS_PORT=${CARAVAN_REDIS_PORT:-6379}
AMQP_PORT=${CARAVAN_AMQP_PORT:-5672}
RABBIT_MGMT_PORT=${CARAVAN_RABBIT_MGMT_PORT:-15672}
RABBIT_DIST_PORT=${CARAVAN_RABBIT_DIST_PORT:-25672}
EPMD_PORT=${CARAVAN_EPMD_PORT:-4371}
MQTT_PORT=${CARAVAN_MQTT_PORT:-1883}
MQTT_WS_PORT=${CARAVAN_MQTT_WS_PORT:-9001}
OIDC_PORT=${CARAVAN_OIDC_PORT:-9080}
OIDC_ISSUER=caravan
RABBIT_NODE=caravan-$AMQP_PORT@localhost

# Seconds a service may take to become ready (RabbitMQ: 5-13 s measured).
declare -A READY_TIMEOUT=([redis]=20 [rabbitmq]=60 [mosquitto]=20 [oidc]=60)

die() { echo "stack.sh: $*" >&2; exit 1; }
usage() {
  echo "usage: $0 install | start [svc...] | stop [svc...] | status [svc...] | run [gateway args...] | flow <flow> [camel run args...] | jbang-classpath | test [mvn args...]   (svc: ${ALL_SVCS[*]})" >&2
  exit 2
}

check_env() {
  local name val
  for name in REDIS_PORT AMQP_PORT RABBIT_MGMT_PORT RABBIT_DIST_PORT EPMD_PORT MQTT_PORT MQTT_WS_PORT OIDC_PORT; do
    val=${!name}
    if ! [[ $val =~ ^[0-9]+$ ]] || ((val < 1 || val > 65535)); then
      die "CARAVAN_$name must be a port number, got '$val'"
    fi
  done
  ((RABBIT_DIST_PORT < 35672 || RABBIT_DIST_PORT > 35682)) \
    || die "CARAVAN_RABBIT_DIST_PORT must be outside 35672-35682 (RabbitMQ's CLI tools use those)"
  ((EPMD_PORT != 4369)) || die "CARAVAN_EPMD_PORT must not be 4369: the stack runs a private epmd"
  [[ $BIND =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "CARAVAN_BIND must be an IPv4 address, got '$BIND'"
  STACK_DIR=$(realpath -m "$STACK_DIR") # canonical: live_pid compares it with /proc/<pid>/cwd
}

svc_dir() { echo "$STACK_DIR/$1"; }
svc_log() { echo "$STACK_DIR/$1/$1.log"; }

svc_url() {
  case $1 in
    redis) echo "redis://$BIND:$REDIS_PORT" ;;
    rabbitmq) echo "amqp://$BIND:$AMQP_PORT (management http://$BIND:$RABBIT_MGMT_PORT)" ;;
    mosquitto) echo "mqtt://$BIND:$MQTT_PORT ws://$BIND:$MQTT_WS_PORT" ;;
    oidc) echo "http://$BIND:$OIDC_PORT/$OIDC_ISSUER/.well-known/openid-configuration" ;;
  esac
}

# ---------------------------------------------------------------- processes and probes

# True while process $1 exists and is not a zombie (kill -0 also succeeds on zombies).
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != Z ]]
}

# Prints the pid in $1 when that process is alive and is ours: every process is started with its
# service dir $2 as working directory, which guards against a recycled pid.
live_pid() {
  local pidfile=$1 dir=$2 pid
  [[ -s $pidfile ]] || return 1
  pid=$(<"$pidfile")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  alive "$pid" || return 1
  [[ $(readlink "/proc/$pid/cwd" 2>/dev/null) == "$dir" ]] || return 1
  echo "$pid"
}

# spawn <svc dir> <pid file> <log> <command...>: detached (own session, no terminal, stdin
# /dev/null), so it outlives this script and whoever started it; the pid file holds its pid.
spawn() {
  local dir=$1 pidfile=$2 log=$3
  shift 3
  (
    cd "$dir"
    local fd
    for fd in "/proc/$BASHPID/fd/"*; do # leave no lock or pipe of ours open in the daemon
      fd=${fd##*/}
      if ((fd > 2)); then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    exec setsid "$@" </dev/null >>"$log" 2>&1
  ) &
  echo $! >"$pidfile"
}

# shellcheck disable=SC2016 # $0 and $1 belong to the inner bash
port_open() { timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null; }

redis_ready() { [[ $(timeout 3 redis-cli -h "$BIND" -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]; }
rabbit_ready() {
  port_open "$BIND" "$AMQP_PORT" \
    && curl -fsS -o /dev/null --max-time 3 -u guest:guest "http://$BIND:$RABBIT_MGMT_PORT/api/overview" 2>/dev/null
}
mosquitto_ready() {
  port_open "$BIND" "$MQTT_PORT" && port_open "$BIND" "$MQTT_WS_PORT" \
    && timeout 5 mosquitto_pub -h "$BIND" -p "$MQTT_PORT" -i "caravan-stack-probe-$$" \
      -t caravan/stack/probe -m ready -q 1 >/dev/null 2>&1
}
oidc_ready() {
  curl -fsS -o /dev/null --max-time 3 "http://$BIND:$OIDC_PORT/$OIDC_ISSUER/.well-known/openid-configuration" 2>/dev/null
}
# Quick probes for status (mosquitto: both listeners accept; no publish needed).
probe() {
  case $1 in
    redis) redis_ready ;;
    rabbitmq) rabbit_ready ;;
    mosquitto) port_open "$BIND" "$MQTT_PORT" && port_open "$BIND" "$MQTT_WS_PORT" ;;
    oidc) oidc_ready ;;
  esac
}

# Pids of a service's own processes that are alive (one per line).
svc_pids() {
  local dir
  dir=$(svc_dir "$1")
  case $1 in
    rabbitmq)
      live_pid "$dir/rabbitmq.pid" "$dir" || true
      live_pid "$dir/beam.pid" "$dir" || true
      ;;
    *) live_pid "$dir/$1.pid" "$dir" || true ;;
  esac
}

# What the pid files of <svc> say, for an error message: "file=pid (state, cwd)" each.
pid_report() {
  local dir f pid
  dir=$(svc_dir "$1")
  for f in "$dir"/*.pid; do
    [[ -e $f ]] || continue
    pid=$(<"$f")
    printf '%s=%s (%s, cwd %s) ' "${f##*/}" "$pid" "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null || echo gone)" \
      "$(readlink "/proc/$pid/cwd" 2>/dev/null || echo '?')"
  done
}

# A port that answers while our service is not running belongs to someone else: fail early.
ensure_free() {
  local svc=$1 port
  shift
  for port in "$@"; do
    port_open "$BIND" "$port" && die "$svc: port $BIND:$port is already in use by another process"
  done
  return 0
}

# Replaces ${NAME} placeholders in template $1 with the values of the shell variables NAME given
# after the output file $2; fails if a placeholder is left.
render() {
  local src=$1 dst=$2 text name
  shift 2
  text=$(<"$src")
  for name in "$@"; do
    text=${text//"\${$name}"/"${!name}"}
  done
  if [[ $text =~ \$\{[A-Z_]+\} ]]; then
    die "render $src: placeholder ${BASH_REMATCH[0]} has no value"
  fi
  printf '%s\n' "$text" >"$dst"
}

# ---------------------------------------------------------------- install

apt_install() {
  local missing=() pkg sudo=()
  for pkg in "${APT_PACKAGES[@]}"; do
    [[ $(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null) == "install ok installed" ]] || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  ((EUID == 0)) || sudo=(sudo)
  echo "stack.sh: installing ${missing[*]}" >&2
  "${sudo[@]}" apt-get update -qq >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# Copies mock-oauth2-server and its dependencies into config/brokers/oidc/target/lib (once per
# pom.xml content; concurrent callers wait on a lock and reuse the result).
oidc_fetch() {
  local stamp lock_fd tmp
  stamp=$(sha256sum "$OIDC_POM" | cut -d' ' -f1)
  [[ -f $OIDC_LIB/.complete && $(<"$OIDC_LIB/.complete") == "$stamp" ]] && return 0
  command -v mvn >/dev/null || die "oidc: mvn not found (needed once to fetch mock-oauth2-server)"
  mkdir -p "$OIDC_TARGET"
  exec {lock_fd}>"$OIDC_TARGET/.fetch.lock"
  flock "$lock_fd"
  if ! [[ -f $OIDC_LIB/.complete && $(<"$OIDC_LIB/.complete") == "$stamp" ]]; then
    echo "stack.sh: fetching mock-oauth2-server jars into $OIDC_LIB" >&2
    tmp=$(mktemp -d "$OIDC_TARGET/lib.tmp.XXXXXX")
    if ! mvn -q -B -f "$OIDC_POM" dependency:copy-dependencies -DoutputDirectory="$tmp/lib" >"$tmp/mvn.log" 2>&1; then
      cat "$tmp/mvn.log" >&2
      rm -rf "$tmp"
      die "oidc: mvn dependency:copy-dependencies failed for $OIDC_POM"
    fi
    echo "$stamp" >"$tmp/lib/.complete"
    rm -rf "$OIDC_LIB"
    mv "$tmp/lib" "$OIDC_LIB"
    rm -rf "$tmp"
  fi
  exec {lock_fd}>&-
}

# The `camel` command (Camel JBang's CLI, camel-jbang-core 4.17.0; see config/jbang/camel): the
# launcher script in $CAMEL_PREFIX/bin, the classpath Maven resolves from config/jbang/pom.xml and
# the compiled config/jbang/Camel.java in $CAMEL_PREFIX/lib/caravan-camel. Redone only when one of
# those three files changed; concurrent callers wait on a lock and reuse the result.
camel_install() {
  local lib=$CAMEL_PREFIX/lib/caravan-camel bin=$CAMEL_PREFIX/bin/camel stamp lock_fd tmp
  stamp=$(cat "$CAMEL_SRC/pom.xml" "$CAMEL_SRC/Camel.java" "$CAMEL_SRC/camel" | sha256sum | cut -d' ' -f1)
  [[ -f $lib/.complete && $(<"$lib/.complete") == "$stamp" && -x $bin ]] && return 0
  command -v mvn >/dev/null || die "camel: mvn not found (needed to resolve camel-jbang-core)"
  command -v javac >/dev/null || die "camel: javac not found (a JDK 17 is needed)"
  mkdir -p "$CAMEL_PREFIX/lib" "$CAMEL_PREFIX/bin"
  exec {lock_fd}>"$CAMEL_PREFIX/lib/.caravan-camel.lock"
  flock "$lock_fd"
  if ! [[ -f $lib/.complete && $(<"$lib/.complete") == "$stamp" && -x $bin ]]; then
    echo "stack.sh: installing camel (camel-jbang-core) into $bin" >&2
    tmp=$(mktemp -d "$CAMEL_PREFIX/lib/caravan-camel.tmp.XXXXXX")
    chmod 0755 "$tmp"
    if ! mvn -q -B -f "$CAMEL_SRC/pom.xml" dependency:build-classpath -Dmdep.outputFile="$tmp/classpath" >"$tmp/mvn.log" 2>&1; then
      cat "$tmp/mvn.log" >&2
      rm -rf "$tmp"
      die "camel: mvn dependency:build-classpath failed for $CAMEL_SRC/pom.xml"
    fi
    javac -d "$tmp/classes" -cp "$(<"$tmp/classpath")" "$CAMEL_SRC/Camel.java" || { rm -rf "$tmp"; die "camel: javac failed"; }
    rm -f "$tmp/mvn.log"
    echo "$stamp" >"$tmp/.complete"
    rm -rf "$lib"
    mv "$tmp" "$lib"
    install -m 0755 "$CAMEL_SRC/camel" "$bin"
  fi
  exec {lock_fd}>&-
  command -v camel >/dev/null || echo "stack.sh: add $CAMEL_PREFIX/bin to PATH for the camel command" >&2
}

cmd_install() {
  apt_install
  oidc_fetch
  camel_install
  echo "installed: ${APT_PACKAGES[*]}; mock-oauth2-server in $OIDC_LIB; camel in $CAMEL_PREFIX/bin" >&2
}

# ---------------------------------------------------------------- start

launch_redis() {
  local REDIS_DIR
  REDIS_DIR=$(svc_dir redis)
  ensure_free redis "$REDIS_PORT"
  render "$BROKERS/redis/redis.conf" "$REDIS_DIR/redis.conf" BIND REDIS_PORT REDIS_DIR
  spawn "$REDIS_DIR" "$REDIS_DIR/redis.pid" "$REDIS_DIR/redis.log" redis-server "$REDIS_DIR/redis.conf"
}

launch_mosquitto() {
  local MOSQUITTO_DIR MOSQUITTO_USER
  MOSQUITTO_DIR=$(svc_dir mosquitto)
  # shellcheck disable=SC2034 # read by render through ${!name}
  MOSQUITTO_USER=$(id -un)
  ensure_free mosquitto "$MQTT_PORT" "$MQTT_WS_PORT"
  render "$BROKERS/mosquitto/mosquitto.conf" "$MOSQUITTO_DIR/mosquitto.conf" \
    BIND MQTT_PORT MQTT_WS_PORT MOSQUITTO_DIR MOSQUITTO_USER
  spawn "$MOSQUITTO_DIR" "$MOSQUITTO_DIR/mosquitto.pid" "$MOSQUITTO_DIR/mosquitto.log" \
    mosquitto -c "$MOSQUITTO_DIR/mosquitto.conf"
}

rabbit_env() {
  local dir
  dir=$(svc_dir rabbitmq)
  RABBIT_ENV=(
    HOME="$dir"
    RABBITMQ_NODENAME="$RABBIT_NODE"
    RABBITMQ_USE_LONGNAME=false
    RABBITMQ_NODE_IP_ADDRESS="$BIND"
    RABBITMQ_NODE_PORT="$AMQP_PORT"
    RABBITMQ_DIST_PORT="$RABBIT_DIST_PORT"
    RABBITMQ_MNESIA_BASE="$dir/mnesia"
    RABBITMQ_LOG_BASE="$dir/log"
    RABBITMQ_PID_FILE="$dir/beam.pid"
    RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf"
    RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config"
    RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf"
    RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins"
    ERL_EPMD_PORT="$EPMD_PORT"
    ERL_EPMD_ADDRESS=127.0.0.1
  )
}

launch_rabbitmq() {
  local RABBIT_DIR i
  RABBIT_DIR=$(svc_dir rabbitmq)
  [[ -x $RABBIT_BIN/rabbitmq-server ]] || die "rabbitmq: $RABBIT_BIN/rabbitmq-server missing (run: $0 install)"
  ensure_free rabbitmq "$AMQP_PORT" "$RABBIT_MGMT_PORT" "$RABBIT_DIST_PORT"
  mkdir -p "$RABBIT_DIR/mnesia" "$RABBIT_DIR/log"
  render "$BROKERS/rabbitmq/rabbitmq.conf" "$RABBIT_DIR/rabbitmq.conf" BIND AMQP_PORT RABBIT_MGMT_PORT RABBIT_DIST_PORT
  cp "$BROKERS/rabbitmq/enabled_plugins" "$RABBIT_DIR/enabled_plugins"
  : >"$RABBIT_DIR/rabbitmq-env.conf"
  rm -f "$RABBIT_DIR/beam.pid"
  rabbit_env
  # The node's own epmd, on a private port and loopback only.
  if ! live_pid "$RABBIT_DIR/epmd.pid" "$RABBIT_DIR" >/dev/null; then
    ensure_free rabbitmq "$EPMD_PORT"
    spawn "$RABBIT_DIR" "$RABBIT_DIR/epmd.pid" "$RABBIT_DIR/epmd.log" \
      env ERL_EPMD_ADDRESS=127.0.0.1 epmd -port "$EPMD_PORT" -address 127.0.0.1
    for ((i = 0; i < 50; i++)); do
      port_open 127.0.0.1 "$EPMD_PORT" && break
      sleep 0.1
    done
  fi
  spawn "$RABBIT_DIR" "$RABBIT_DIR/rabbitmq.pid" "$RABBIT_DIR/rabbitmq.log" \
    env "${RABBIT_ENV[@]}" "$RABBIT_BIN/rabbitmq-server"
}

launch_oidc() {
  local dir json_config java=java
  dir=$(svc_dir oidc)
  oidc_fetch
  [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]] && java=$JAVA_HOME/bin/java
  command -v "$java" >/dev/null || die "oidc: java not found"
  json_config=${CARAVAN_OIDC_JSON_CONFIG:-}
  [[ -z $json_config && -f $BROKERS/oidc/config.json ]] && json_config=$BROKERS/oidc/config.json
  [[ -z $json_config || -f $json_config ]] || die "oidc: CARAVAN_OIDC_JSON_CONFIG file '$json_config' not found"
  ensure_free oidc "$OIDC_PORT"
  local envs=(SERVER_HOSTNAME="$BIND" SERVER_PORT="$OIDC_PORT")
  [[ -n $json_config ]] && envs+=(JSON_CONFIG="$(<"$json_config")")
  spawn "$dir" "$dir/oidc.pid" "$dir/oidc.log" env "${envs[@]}" \
    "$java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xms32m -Xmx256m \
    -cp "$OIDC_LIB/*" no.nav.security.mock.oauth2.StandaloneMockOAuth2ServerKt
}

# start_one <svc>: launches unless already running, then waits until ready. Runs in a subshell.
start_one() {
  local svc=$1 dir lock_fd deadline hint
  dir=$(svc_dir "$svc")
  mkdir -p "$dir"
  exec {lock_fd}>"$dir/.lock"
  flock "$lock_fd" # another start of the same stack dir finishes launching first
  if [[ -z $(svc_pids "$svc") ]]; then
    "launch_$svc"
  fi
  exec {lock_fd}>&-
  hint="see $(svc_log "$svc")"
  [[ $svc == rabbitmq ]] && hint="$hint and $dir/log/"
  deadline=$((SECONDS + READY_TIMEOUT[$svc]))
  until case $svc in
    redis) redis_ready ;;
    rabbitmq) rabbit_ready ;;
    mosquitto) mosquitto_ready ;;
    oidc) oidc_ready ;;
  esac; do
    # a second look before giving up: one CI run saw no live pid once while RabbitMQ went on starting
    if [[ -z $(svc_pids "$svc") ]]; then
      sleep 0.5
      [[ -n $(svc_pids "$svc") ]] || die "$svc exited during start ($(pid_report "$svc")); $hint"
    fi
    ((SECONDS < deadline)) || die "$svc not ready within ${READY_TIMEOUT[$svc]} s; $hint"
    sleep 0.2
  done
}

cmd_start() {
  local svc tmp rc=0
  declare -A job
  tmp=$(mktemp -d)
  mkdir -p "$STACK_DIR"
  for svc in "$@"; do
    (start_one "$svc") >"$tmp/$svc.out" 2>"$tmp/$svc.err" &
    job[$svc]=$!
  done
  for svc in "$@"; do
    if wait "${job[$svc]}"; then
      echo "$svc $(svc_url "$svc")"
    else
      rc=1
      cat "$tmp/$svc.err" >&2
    fi
  done
  rm -rf "$tmp"
  return $rc
}

# ---------------------------------------------------------------- stop

# terminate <seconds> <pid...>: SIGTERM, wait, then SIGKILL them and their process groups.
terminate() {
  local grace=$1 pid deadline left=()
  shift
  (($#)) || return 0
  kill -TERM "$@" 2>/dev/null || true
  deadline=$((SECONDS + grace))
  while :; do
    left=()
    for pid in "$@"; do alive "$pid" && left+=("$pid"); done
    if ((${#left[@]} == 0 || SECONDS >= deadline)); then break; fi
    sleep 0.1
  done
  for pid in "$@"; do
    kill -KILL -- "-$pid" 2>/dev/null || true # each was started as a session (and group) leader
    kill -KILL "$pid" 2>/dev/null || true
  done
}

stop_one() {
  local svc=$1 dir pids epmd_pid
  dir=$(svc_dir "$svc")
  mapfile -t pids < <(svc_pids "$svc")
  terminate 10 "${pids[@]}" # RabbitMQ needs ~6 s for a clean SIGTERM stop
  if [[ $svc == rabbitmq ]]; then
    if epmd_pid=$(live_pid "$dir/epmd.pid" "$dir"); then
      ERL_EPMD_PORT=$EPMD_PORT epmd -port "$EPMD_PORT" -kill >/dev/null 2>&1 || true
      terminate 2 "$epmd_pid"
    fi
    rm -f "$dir/epmd.pid" "$dir/beam.pid"
  fi
  rm -f "$dir/$svc.pid"
}

cmd_stop() {
  local svc pids=()
  for svc in "$@"; do
    (stop_one "$svc") &
    pids+=($!)
  done
  for svc in "${pids[@]}"; do wait "$svc"; done
}

# ---------------------------------------------------------------- status

cmd_status() {
  local svc rc=0
  for svc in "$@"; do
    if [[ -n $(svc_pids "$svc") ]] && probe "$svc"; then
      echo "$svc UP $(svc_url "$svc")"
    else
      echo "$svc DOWN"
      rc=3
    fi
  done
  return $rc
}

# ---------------------------------------------------------------- the README's two commands

# (1) Everything locally: install, start the real brokers, build and run the gateway (all flows)
# in the foreground with config/local/ (named explicitly: Boot would otherwise read every
# ./config/*/application.properties, prod included, from the working dir). Ctrl-C stops the gateway; `stack.sh stop` the brokers.
cmd_run() {
  cmd_install
  cmd_start "${ALL_SVCS[@]}"
  cd "$ROOT"
  mvn -B -q -DskipTests package
  exec java -jar "$ROOT"/target/caravan-*-exec.jar \
    --spring.config.location="classpath:/,optional:file:$ROOT/config/local/" "$@"
}

# (2) The whole test suite (.ci/run calls exactly this). Tests start their own brokers.
cmd_test() {
  cmd_install
  cd "$ROOT"
  exec mvn -B verify "$@"
}

# One flow alone under Camel JBang: the README's "Run one flow alone" commands, `mvn install
# -DskipTests` (without the gateway's -exec jar) then, from the checkout, `camel run
# routes/<flow>/<flow>.camel.yaml routes/<flow>/application.properties --dep=mvn:$FLOW_ARTIFACT`
# with the `camel` command that install puts on PATH; events-fanout with the two flows whose beans it
# uses. Extra args go to `camel run` (e.g. --port=8081 --prop=key=value).
FLOW_ARTIFACT=io.caravan:caravan:0.1.0-SNAPSHOT # as in the README's command
cmd_flow() {
  (($#)) || usage
  local flow=$1 f camel
  shift
  [[ -f $ROOT/routes/$flow/$flow.camel.yaml ]] || die "no flow '$flow' (routes/$flow/$flow.camel.yaml)"
  local flows=("$flow")
  local composition=()
  if [[ $flow == events-fanout ]]; then
    flows=(ws-ticket mqtt-acl events-fanout)
    composition=(--prop=ws-ticket.ws.message-route=events-fanout-command)
  fi
  camel_install
  camel=$CAMEL_PREFIX/bin/camel
  cd "$ROOT"
  mvn -B -q install -DskipTests -Dspring-boot.repackage.skip=true
  local args=(run)
  for f in "${flows[@]}"; do args+=("routes/$f/$f.camel.yaml"); done
  for f in "${flows[@]}"; do args+=("routes/$f/application.properties"); done
  exec "$camel" "${args[@]}" --dep="mvn:$FLOW_ARTIFACT" "${composition[@]}" "$@"
}

# The hand-built classpath the benchmarks (src/test/bench/*/run.sh) still run flows on: Camel
# JBang's runtime with the beans' libraries (src/test/jbang/pom.xml), then target/classes.
# Prints the path of the file that lists it, rebuilt when src/test/jbang/pom.xml is newer.
cmd_jbang_classpath() {
  local file=$ROOT/target/jbang.classpath
  [[ $file -nt $ROOT/src/test/jbang/pom.xml ]] \
    || (cd "$ROOT" && mvn -B -q -f src/test/jbang/pom.xml dependency:build-classpath -Dmdep.outputFile="$file" >&2 \
      && touch "$file") # the plugin leaves an unchanged file as it was
  echo "$file"
}

# ---------------------------------------------------------------- main

services() {
  local svc k known seen=" "
  (($#)) || set -- "${ALL_SVCS[@]}"
  for svc in "$@"; do
    known=0
    for k in "${ALL_SVCS[@]}"; do [[ $svc == "$k" ]] && known=1; done
    ((known)) || { echo "stack.sh: unknown service '$svc'" >&2; usage; }
    [[ $seen == *" $svc "* ]] || { seen+="$svc "; echo "$svc"; }
  done
}

main() {
  (($#)) || usage
  local cmd=$1 list svcs
  shift
  check_env
  case $cmd in
    install) (($# == 0)) || usage; cmd_install ;;
    start | stop | status)
      list=$(services "$@") || exit 2
      mapfile -t svcs <<<"$list"
      "cmd_$cmd" "${svcs[@]}"
      ;;
    run) cmd_run "$@" ;;
    flow) cmd_flow "$@" ;;
    jbang-classpath) (($# == 0)) || usage; cmd_jbang_classpath ;;
    test) cmd_test "$@" ;;
    -h | --help | help) usage ;;
    *) usage ;;
  esac
}

main "$@"
