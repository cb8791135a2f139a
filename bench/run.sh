#!/usr/bin/env bash
# make bench: starts its own Chit-Chat topology on loopback, runs the load tool against it, stops everything.
#
#   load tool (bench/target/chit-chat-bench.jar)
#      |-- HTTP sign-up --------------> auth-server       127.0.0.1:28081
#      |-- WebSocket, user i % 2 -----> chat-server 1     127.0.0.1:28082 (HTTP) / 28083 (WS)
#      |                                chat-server 2     127.0.0.1:28092 (HTTP) / 28093 (WS)
#      |                                both <-> Redis 127.0.0.1:28379 (pub/sub) and the store 127.0.0.1:28017
#      `-- history fill ------------------------------------------------------> the store (MongoDB driver)
#
# Ports (BENCH_PORT_BASE + 81, 82, ...; base 28000) stay clear of 8080-8093 (make run, make run-cluster) and of
# the ephemeral range. Everything listens on 127.0.0.1 and the load goes
# nowhere else. The store's files live in a temporary directory removed at the end; server logs are kept in
# bench/target/logs/<timestamp>/. Results: bench/results/<timestamp>.json and .html, and a table on stdout.
#
# Options, as environment variables (defaults give a run of about 5 minutes on 2 cores):
#   BENCH_USERS=200             users in the throughput scenario, spread round-robin over the two instances
#   BENCH_SHAPE=heavy           realistic: 2000 users (unless BENCH_USERS), Poisson arrivals from random users, so
#                                     each sends every ~users/rate s (4 s at 500 msg/s); heavy: 200 users in turn
#   BENCH_RATES=500,1000,...    offered msg/s per step        BENCH_MAX_RATE=20000  highest step
#   BENCH_STEP_SECONDS=8        seconds per step              BENCH_P99_LIMIT_MS=50 the ladder stops above it
#   BENCH_CONNECTIONS=10000     idle connections to one instance (up to ~19000 under a 20000 open-file limit)
#   BENCH_SOURCE_ADDRESSES=8    spread over 127.0.0.2 .. 127.0.0.9
#   BENCH_HISTORY_MESSAGES=100000
#   BENCH_SCENARIOS=cold,redis,history,throughput,group,connections   (run in this order; cold first, on the fresh servers)
#   BENCH_COLD_RATE=5000        msg/s offered at once to the fresh servers   BENCH_COLD_SECONDS=30 (reported per 5 s)
#   BENCH_MARKS=both            throughput ladders: both (without, then with browser-like marks and typing), off, on
#   BENCH_TYPING_FRACTION=0.25  share of users sending typing in the marks ladder
#   BENCH_GROUP_MEMBERS=256     BENCH_GROUP_RATE=20 msg/s into the group   BENCH_GROUP_SECONDS=10
#   BENCH_JFR=off               on: JFR of chat1 during the messages-only ladder, summary in bench/results/<stamp>-chat1-jfr.txt
#   BENCH_REDIS=single          cluster: the chat-servers use a local Redis Cluster (3 primaries + 3 replicas on
#                                     base+400..405, sharded Pub/Sub) instead of one Redis; "redis" CPU is all six nodes
#   BENCH_AOT=off               train: the run trains JDK 25 AOT caches for the chat-servers; use: they start from them
#   BENCH_SERVER_JAVA_OPTS="-XX:+UseSerialGC -Xmx256m"   JVM flags of the two chat-servers (a heap sized
#                                     for the connection budget: G1 with a large heap keeps far more RSS)
#   BENCH_STORE_JAVA_OPTS=""   JVM flags of the embedded store (default: none, so the JVM's own heap sizing:
#                                     a quarter of the machine's memory)
#   BENCH_PORT_BASE=28000       ports used: base+17 (store), +81 (auth), +82/83, +92/93 (chat), +379 (redis),
#                                     +400..405 and +500..505 (a Redis Cluster's nodes and bus, BENCH_REDIS=cluster)
#   BENCH_TIMEOUT=1200          seconds before the load tool is stopped, whatever it is doing
# Any arguments are passed to the load tool as they are (java -jar bench/target/chit-chat-bench.jar --help).
set -euo pipefail
cd "$(dirname "$0")/.."

JAVA="${JAVA_HOME:?set JAVA_HOME (make bench does)}/bin/java"
AUTH_JAR=auth-server/target/auth-server.jar
CHAT_JAR=chat-server/target/chat-server.jar
BENCH_JAR=bench/target/chit-chat-bench.jar
DEV_JAR=launcher/target/chit-chat-dev.jar

BASE="${BENCH_PORT_BASE:-28000}"
AUTH_PORT=$((BASE + 81))
CHAT1_HTTP=$((BASE + 82)) CHAT1_WS=$((BASE + 83))
CHAT2_HTTP=$((BASE + 92)) CHAT2_WS=$((BASE + 93))
REDIS_PORT=$((BASE + 379))
STORE_PORT=$((BASE + 17))
read -r -a SERVER_OPTS <<<"${BENCH_SERVER_JAVA_OPTS:--XX:+UseSerialGC -Xmx256m}"
# With BENCH_JFR=on the load tool records chat1 through jcmd; deeper stacks than JFR's 64 frames, so the MongoDB
# driver's deep call chains still reach the project's own frames (a start-up flag: it records nothing by itself).
CHAT_OPTS=()
if [[ "${BENCH_JFR:-off}" == on ]]; then CHAT_OPTS+=("-XX:FlightRecorderOptions:stackdepth=256"); fi
# JDK 25's ahead-of-time cache (JEP 483/514/515: classes loaded and linked, method profiles) for the chat-servers:
# BENCH_AOT=train writes bench/target/aot/chat<i>.aot when each chat-server exits (this run is the training run),
# BENCH_AOT=use starts both from chat1's cache; compare the cold phase of a "use" run with one without.
AOT_DIR=bench/target/aot
case "${BENCH_AOT:-off}" in
  train) mkdir -p "$AOT_DIR" ;;
  use) [[ -f "$AOT_DIR/chat1.aot" ]] || { echo "BENCH_AOT=use: no $AOT_DIR/chat1.aot; run with BENCH_AOT=train first" >&2; exit 1; } ;;
  off) ;;
  *) echo "BENCH_AOT is train, use or off, not ${BENCH_AOT}" >&2; exit 1 ;;
esac
aot_opts() { # instance number -> the JVM flag for BENCH_AOT, or nothing
  case "${BENCH_AOT:-off}" in
    train) echo "-XX:AOTCacheOutput=$AOT_DIR/chat$1.aot" ;;
    use) echo "-XX:AOTCache=$AOT_DIR/chat1.aot" ;;
  esac
}

if [[ ! -f "$BENCH_JAR" || ! -f "$AUTH_JAR" || ! -f "$CHAT_JAR" ]]; then
  echo "Building the service jars and the load tool..."
  mvn -B --no-transfer-progress -q -pl bench -am package -DskipTests
fi

for port in $AUTH_PORT $CHAT1_HTTP $CHAT1_WS $CHAT2_HTTP $CHAT2_WS $REDIS_PORT $STORE_PORT; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "Port $port is in use (another make bench?): stop it, or choose other ports with BENCH_PORT_BASE." >&2
    exit 1
  fi
done

# Each idle connection is a file descriptor in the server and one in the load tool: raise the soft limit to
# the hard one (children inherit it; the JVM would also raise its own).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "Open-file limit: $(ulimit -n)"

STAMP="$(date -u +%Y%m%d-%H%M%S)"
LOGS="bench/target/logs/$STAMP"
WORK="$(mktemp -d /tmp/chitchat-bench.XXXXXX)"
mkdir -p "$LOGS" bench/results

pids=()
declare -A pid_of
# shellcheck disable=SC2317  # called by the trap
cleanup() {
  trap - EXIT INT TERM
  echo "Stopping the benchmark topology..."
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

start() { # name, then the command; output goes to $LOGS/name.log; the pid is remembered in pid_of[name]
  local name="$1"; shift
  "$@" >"$LOGS/$name.log" 2>&1 &
  pids+=($!)
  pid_of[$name]=$!
}

wait_for() { # what, check command...
  local what="$1"; shift
  for _ in $(seq 1 150); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "$what did not come up; see $LOGS/$what.log" >&2
  exit 1
}
# shellcheck disable=SC2317  # called through wait_for
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

SECRET="$(head -c 48 /dev/urandom | base64 | tr -d '\n')"
export JWT_SECRET="$SECRET" DATA_DIR="$WORK" APP_ENV=development
export MONGO_URI="mongodb://127.0.0.1:$STORE_PORT"

REDIS_MODE="${BENCH_REDIS:-single}"
if [[ "$REDIS_MODE" == cluster ]]; then
  # The same cluster as make run-cluster's REDIS_MODE=cluster (testbed's LocalRedisCluster, which prints the seed
  # list once every node reports cluster_state:ok); its redis-server nodes are that JVM's children.
  command -v redis-cli >/dev/null 2>&1 || { echo "BENCH_REDIS=cluster needs redis-server and redis-cli 7+" >&2; exit 1; }
  start redis-cluster "$JAVA" -cp "$DEV_JAR" chitchat.testbed.LocalRedisCluster "$((BASE + 400))"
  REDIS_CLUSTER_NODES="$(scripts/redis-cluster-seeds.sh "$LOGS/redis-cluster.log")"
  export REDIS_CLUSTER_NODES
  REDIS_PIDS="$(pgrep -d+ -P "${pid_of[redis-cluster]}" redis-server)"
  REDIS_PORT=$((BASE + 400))
elif [[ "$REDIS_MODE" == single ]]; then
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
  if command -v redis-server >/dev/null 2>&1; then
    start redis redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no
  else
    echo "redis-server not installed: using the embedded-redis binary (redis-benchmark will be missing too)"
    start redis "$JAVA" -cp "$DEV_JAR" chitchat.testbed.LocalRedis "$REDIS_PORT"
  fi
  wait_for redis port_open "$REDIS_PORT"
  REDIS_PIDS="${pid_of[redis]}"
else
  echo "BENCH_REDIS must be single (the default) or cluster, got '$REDIS_MODE'" >&2
  exit 1
fi
# The store's collections are logged (bench/target/logs/<timestamp>/store-gc.log): its first full scans after the
# history fill build its page cache, and the pauses that costs show up as history outliers.
read -r -a STORE_OPTS <<<"${BENCH_STORE_JAVA_OPTS:-}"
start store "$JAVA" "${STORE_OPTS[@]}" "-Xlog:gc:file=$LOGS/store-gc.log" -cp "$CHAT_JAR" chitchat.store.EmbeddedMongoMain --port "$STORE_PORT" --data-dir "$WORK/store"
wait_for store port_open "$STORE_PORT"

# Sign-ups at bcrypt's minimum cost (10) so 200 take seconds, and all from this one address, so the per-address
# sign-up limit lifted; the per-connection and per-user history rate limits lifted so one user may send and read
# what the load needs; everything else as in production.
start auth env HTTP_PORT=$AUTH_PORT BCRYPT_COST=10 SIGNUP_MAX_PER_ADDRESS=1000000 "$JAVA" "${SERVER_OPTS[@]}" -jar "$AUTH_JAR"
for i in 1 2; do
  http_var="CHAT${i}_HTTP" ws_var="CHAT${i}_WS"
  read -r -a aot <<<"$(aot_opts "$i")"
  # WS_MAX_CONNECTIONS_PER_ADDRESS lifted: the connections scenario's 10,000 come from 8 loopback addresses,
  # where real users come from many (the default, 512 an address, capped it at 4,096).
  start "chat$i" env HTTP_PORT="${!http_var}" WS_PORT="${!ws_var}" WS_RATE_PER_SECOND=100000 WS_RATE_BURST=100000 \
    WS_MAX_CONNECTIONS_PER_ADDRESS=100000 \
    HISTORY_RATE_PER_SECOND=100000 HISTORY_RATE_BURST=100000 HISTORY_MAX_IN_FLIGHT=10000 \
    "$JAVA" "${SERVER_OPTS[@]}" "${CHAT_OPTS[@]}" "${aot[@]}" -jar "$CHAT_JAR"
done
wait_for auth curl -fsS "http://127.0.0.1:$AUTH_PORT/healthz"
wait_for chat1 curl -fsS "http://127.0.0.1:$CHAT1_HTTP/healthz"
wait_for chat2 curl -fsS "http://127.0.0.1:$CHAT2_HTTP/healthz"
echo "Topology up (logs in $LOGS): auth :$AUTH_PORT, chat :$CHAT1_WS and :$CHAT2_WS, redis ($REDIS_MODE) :$REDIS_PORT, store :$STORE_PORT"

flags=()
add_flag() { if [[ -n "${2:-}" ]]; then flags+=("$1" "$2"); fi; }
add_flag --users "${BENCH_USERS:-}"
add_flag --rates "${BENCH_RATES:-}"
add_flag --max-rate "${BENCH_MAX_RATE:-}"
add_flag --step-seconds "${BENCH_STEP_SECONDS:-}"
add_flag --p99-limit-ms "${BENCH_P99_LIMIT_MS:-}"
add_flag --connections "${BENCH_CONNECTIONS:-}"
add_flag --source-addresses "${BENCH_SOURCE_ADDRESSES:-}"
add_flag --history-messages "${BENCH_HISTORY_MESSAGES:-}"
add_flag --scenarios "${BENCH_SCENARIOS:-}"
add_flag --cold-rate "${BENCH_COLD_RATE:-}"
add_flag --cold-seconds "${BENCH_COLD_SECONDS:-}"
add_flag --marks "${BENCH_MARKS:-}"
add_flag --typing-fraction "${BENCH_TYPING_FRACTION:-}"
add_flag --group-members "${BENCH_GROUP_MEMBERS:-}"
add_flag --group-rate "${BENCH_GROUP_RATE:-}"
add_flag --group-seconds "${BENCH_GROUP_SECONDS:-}"
add_flag --jfr "${BENCH_JFR:-}"
add_flag --shape "${BENCH_SHAPE:-}"

# The load tool's own pauses would count as server latency: a heap big enough to rarely collect, and ZGC.
status=0
BENCH_JWT_SECRET="$SECRET" timeout --signal=TERM --kill-after=20 "${BENCH_TIMEOUT:-1200}" \
  "$JAVA" -Xms1g -Xmx3g -XX:+UseZGC -jar "$BENCH_JAR" \
    --auth "http://127.0.0.1:$AUTH_PORT" \
    --chat-http "http://127.0.0.1:$CHAT1_HTTP,http://127.0.0.1:$CHAT2_HTTP" \
    --chat-ws "ws://127.0.0.1:$CHAT1_WS/ws,ws://127.0.0.1:$CHAT2_WS/ws" \
    --pids "chat1=${pid_of[chat1]},chat2=${pid_of[chat2]},redis=$REDIS_PIDS,store=${pid_of[store]},auth=${pid_of[auth]}" \
    --mongo-uri "$MONGO_URI" --redis-port "$REDIS_PORT" --redis-mode "$REDIS_MODE" \
    --jcmd "$JAVA_HOME/bin/jcmd" --out bench/results \
    "${flags[@]}" "$@" || status=$?
exit "$status"
