#!/usr/bin/env bash
# Issue 19 item 3, proof on the runtime: builds each flow's app as Camel K 2.10.1's plain-quarkus
# provider would (camel-k/<flow>/<flow>.yaml -> target/quarkus-apps/<flow>/pom.xml from
# src/test/quarkus/pom.xml.template), starts it in JVM mode with the manifest's sources and cluster
# properties against real brokers on loopback, and runs the flow's checks (CamelQuarkusRuntimeTest).
#
#   src/test/quarkus/run.sh                   # all seven flows
#   src/test/quarkus/run.sh status oauth2     # some
#   CARAVAN_QUARKUS_OPTS='-Dcaravan.quarkus.exclude-spring=true' src/test/quarkus/run.sh status
#       (other switches: -Dcaravan.quarkus.fallback-boms=true, -Dcaravan.quarkus.offline=true)
#
# DEVIATION from the operator's build, printed by the harness too: camel-quarkus-spring-rabbitmq and
# camel-quarkus-paho-mqtt5 are not served by this machine's Maven registry, so camel:spring-rabbitmq and
# camel:paho-mqtt5 are built with the plain Camel 4.17.0 components (+ spring-context/core/beans 6.2.15),
# which run in JVM mode only.
set -euo pipefail
cd "$(dirname "$0")/../../.."
flows=$(IFS=,; echo "$*")
echo "[caravan.quarkus] DEVIATION: camel:spring-rabbitmq / camel:paho-mqtt5 -> org.apache.camel:camel-spring-rabbitmq / camel-paho-mqtt5 4.17.0 (JVM mode only; the Camel Quarkus extensions are not served here)"
# the flow artifact the manifests load (mvn:io.caravan:caravan:0.1.0-SNAPSHOT), from this work tree
mvn -B -q -o install -DskipTests
# shellcheck disable=SC2086
exec mvn -B -o test -Dtest=CamelQuarkusRuntimeTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dcaravan.quarkus=true -Dcaravan.quarkus.flows="$flows" ${CARAVAN_QUARKUS_OPTS:-}
