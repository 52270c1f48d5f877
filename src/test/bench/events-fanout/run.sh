#!/usr/bin/env bash
# events-fanout benchmark: a private broker stack (config/stack.sh via RealBrokers, free ports),
# routes/{ws-ticket,mqtt-acl,events-fanout} under Camel JBang in their own JVM with -Xmx1g, N real
# WebSocket clients (Vert.x) opened with real tickets, a RabbitMQ publisher at fixed rates.
#
#   src/test/bench/events-fanout/run.sh [--sockets=1000] [--users=100] [--broadcast-rates=1,5,10,20]
#       [--user-rates=500,1000,2000] [--seconds=10] [--max-sockets=15000] [--runtime=deployed|dev]
#       [--flow-props=k=v,k=v] [--client-loops=2] [--warmup=10]
#
# --runtime=deployed (default): the Camel runtime as a gateway instance runs in production (Camel K /
# Camel Quarkus): camel.main.profile=prod, camel.main.jmxEnabled=false. --runtime=dev: `camel run`'s
# own defaults (dev profile: backlog tracer, message history, extended JMX statistics; JMX, read every
# second by the Camel CLI connector's route dev console). The flow's configuration is the same in both.
# Per step it also prints the flow JVM's CPU per delivered frame (utime+stime from /proc), the cores
# used by the flow, the benchmark's clients and RabbitMQ, the load average, and "to the flow": the part
# of the latency before the flow stamped the envelope (publish wall clock -> envelope "ts").
#
# --client-loops: Vert.x event loops of the receiving clients in the benchmark JVM (1 before 2026-11-26
# 17:45 UTC: one thread then read all 1,000 sockets of a broadcast one after another). --warmup: seconds of
# unrecorded traffic (half broadcast 10/s, half users 500/s) before the first step, so that the first step
# is not measured on a cold JIT. "bench JVM CPU µs per frame" = the clients' (+ publisher's) CPU per frame.
# Prints (and writes to target/bench-events-fanout.txt) the table recorded in RESULTS.md.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
cd "$ROOT"
mvn -B -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
exec java -Xmx512m -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  io.caravan.eventsfanout.FanoutBenchmark "$@"
