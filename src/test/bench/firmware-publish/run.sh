#!/usr/bin/env bash
# Benchmark of the firmware-publish repository: publish latency into repositories of 1, 100 and
# 1000 packages, then concurrent uploads. Each publish = validate the .deb in Java + copy into the
# pool + write a new snapshot (Packages, Packages.gz, Release) + gpg clearsign and detach-sign +
# fsync + rename(2) of the `current` symlink. Real gpg, real disk; no broker needed.
#
#   src/test/bench/firmware-publish/run.sh [sizes] [publishes] [threads] [uploads/thread] [payload bytes]
#   defaults: 1,100,1000  20  8  5  65536
# Prints Markdown tables (paste them into RESULTS.md with the machine and date).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
SIZES=${1:-1,100,1000}
PUBLISHES=${2:-20}
THREADS=${3:-8}
PER_THREAD=${4:-5}
PAYLOAD=${5:-65536}
cd "$ROOT"
mvn -B -q -o test-compile 2>/dev/null || mvn -B -q test-compile
CP_FILE=target/firmware-publish-bench.classpath
[[ -s $CP_FILE ]] || mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE"
WORK=$ROOT/target/bench-firmware-publish
rm -rf "$WORK"
mkdir -p "$WORK"
exec java -Xmx512m -cp "target/test-classes:target/classes:$(cat "$CP_FILE")" \
  io.caravan.firmwarepublish.PublishBench "$WORK" "$SIZES" "$PUBLISHES" "$THREADS" "$PER_THREAD" "$PAYLOAD"
