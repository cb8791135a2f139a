#!/usr/bin/env bash
# make jmh: JMH micro-benchmarks of the chat-server's hot path (bench/src/main/java/.../jmh and
# chitchat/chat/ws/FanOutBenchmark.java): frame parse and serialize, JWT verify and issue, fan-out to connections.
#
# The default is short (2 warm-up and 3 measured one-second iterations, one fork: about a minute and a half) so it
# can run on a busy laptop; the figures are ns per operation, lower is better. Arguments go to JMH as they are:
#   bench/jmh.sh -wi 5 -i 10 -f 2          longer, steadier
#   bench/jmh.sh Frames                    only benchmarks whose name matches
#   bench/jmh.sh -prof gc                  allocation per operation as well
# A JSON copy of the results goes to bench/results/jmh-<timestamp>.json.
set -euo pipefail
cd "$(dirname "$0")/.."

JAVA="${JAVA_HOME:?set JAVA_HOME (make jmh does)}/bin/java"
BENCH_JAR=bench/target/chit-chat-bench.jar
if [[ ! -f "$BENCH_JAR" ]]; then
  echo "Building the benchmark jar..."
  mvn -B --no-transfer-progress -q -pl bench -am package -DskipTests
fi
mkdir -p bench/results
exec "$JAVA" -cp "$BENCH_JAR" org.openjdk.jmh.Main \
  -rf json -rff "bench/results/jmh-$(date -u +%Y%m%d-%H%M%S).json" "$@"
