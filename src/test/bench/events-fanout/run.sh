#!/usr/bin/env bash
# events-fanout benchmark: a private broker stack (config/stack.sh via RealBrokers, free ports),
# routes/{ws-ticket,mqtt-acl,events-fanout} under Camel JBang in their own JVM with -Xmx1g, N real
# WebSocket clients (Vert.x) opened with real tickets, a RabbitMQ publisher at fixed rates.
#
#   src/test/bench/events-fanout/run.sh [--sockets=1000] [--users=100] [--broadcast-rates=1,5,10,20]
#       [--user-rates=500,1000,2000] [--seconds=10] [--max-sockets=15000]
#
# Prints (and writes to target/bench-events-fanout.txt) the table recorded in RESULTS.md.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
cd "$ROOT"
mvn -B -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
exec java -Xmx512m -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  io.caravan.eventsfanout.FanoutBenchmark "$@"
