#!/usr/bin/env bash
# make run-cluster: the scaled-out topology on one machine, with nothing installed but a JDK.
#
#   browser A -> gateway :8080 -> auth-server :8081, chat-server 1 (HTTP :8082, WS :8083)
#   browser B -> gateway :8090 -> auth-server :8081, chat-server 2 (HTTP :8092, WS :8093)
#   both chat-servers <-> one real Redis (pub/sub) and one store (embedded MongoDB-wire server, or MONGO_URI)
#
# REDIS_MODE=cluster: a local Redis Cluster instead of one Redis (3 primaries + 3 replicas on ports
# $REDIS_CLUSTER_PORT.. +5, cluster bus +100; needs redis-server and redis-cli 7+), and the chat-servers use sharded
# Pub/Sub over it (REDIS_CLUSTER_NODES).
#
# Open the two URLs in two different browsers (or one normal and one private window: cookies are per host,
# not per port) and chat across the instances. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."

JAVA="${JAVA_HOME:?run through make}/bin/java"
DEV_JAR=launcher/target/chit-chat-dev.jar
AUTH_JAR=auth-server/target/auth-server.jar
CHAT_JAR=chat-server/target/chat-server.jar
DATA="${DATA_DIR:-./data}/cluster"
REDIS_PORT="${REDIS_PORT:-6390}"
REDIS_MODE="${REDIS_MODE:-single}"
REDIS_CLUSTER_PORT="${REDIS_CLUSTER_PORT:-6400}"
STORE_PORT="${STORE_PORT:-27027}"
LOGS="$DATA/logs"
mkdir -p "$LOGS"

pids=()
cleanup() {
  trap - EXIT INT TERM
  echo "Stopping the cluster..."
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

start() { # name, then the command; logs go to $LOGS/name.log
  local name="$1"; shift
  "$@" >"$LOGS/$name.log" 2>&1 &
  pids+=($!)
}

wait_http() { # url, name
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "$2 did not come up; see $LOGS/$2.log" >&2
  exit 1
}

wait_port() { # port, name
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.2
  done
  echo "$2 did not come up; see $LOGS/$2.log" >&2
  exit 1
}

if [[ "$REDIS_MODE" == cluster ]]; then
  command -v redis-cli >/dev/null 2>&1 || { echo "REDIS_MODE=cluster needs redis-server and redis-cli 7+: apt-get install redis-server redis-tools" >&2; exit 1; }
  start redis-cluster "$JAVA" -cp "$DEV_JAR" chitchat.testbed.LocalRedisCluster "$REDIS_CLUSTER_PORT"
  REDIS_CLUSTER_NODES="$(scripts/redis-cluster-seeds.sh "$LOGS/redis-cluster.log")"
  export REDIS_CLUSTER_NODES
  REDIS_SHOWN="cluster $REDIS_CLUSTER_NODES"
elif [[ "$REDIS_MODE" == single ]]; then
  if command -v redis-server >/dev/null 2>&1; then
    start redis redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no
  else
    start redis "$JAVA" -cp "$DEV_JAR" chitchat.testbed.LocalRedis "$REDIS_PORT"
  fi
  wait_port "$REDIS_PORT" redis
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
  REDIS_SHOWN="$REDIS_URL"
else
  echo "REDIS_MODE must be single (the default) or cluster, got '$REDIS_MODE'" >&2
  exit 1
fi

if [[ -z "${MONGO_URI:-}" ]]; then
  start store "$JAVA" -cp "$CHAT_JAR" chitchat.store.EmbeddedMongoMain --port "$STORE_PORT" --data-dir "$DATA/store"
  wait_port "$STORE_PORT" store
  export MONGO_URI="mongodb://127.0.0.1:$STORE_PORT"
fi

export DATA_DIR="$DATA"   # the dev JWT key is shared through it
export ALLOWED_ORIGINS="http://localhost:8080,http://127.0.0.1:8080,http://localhost:8090,http://127.0.0.1:8090"
export TRUST_PROXY=true
# A laptop: every process (gateways and services alike) listens on loopback only. The services' own default is every
# interface, which a container needs.
export BIND_ADDRESS=127.0.0.1

start auth env HTTP_PORT=8081 "$JAVA" -jar "$AUTH_JAR"
start chat1 env HTTP_PORT=8082 WS_PORT=8083 "$JAVA" -jar "$CHAT_JAR"
start chat2 env HTTP_PORT=8092 WS_PORT=8093 "$JAVA" -jar "$CHAT_JAR"
wait_http http://127.0.0.1:8081/healthz auth
wait_http http://127.0.0.1:8082/healthz chat1
wait_http http://127.0.0.1:8092/healthz chat2

start gateway1 env HTTP_PORT=8080 AUTH_URL=http://127.0.0.1:8081 CHAT_URL=http://127.0.0.1:8082 CHAT_WS_PORT=8083 \
  "$JAVA" -cp "$DEV_JAR" chitchat.launcher.Gateway
start gateway2 env HTTP_PORT=8090 AUTH_URL=http://127.0.0.1:8081 CHAT_URL=http://127.0.0.1:8092 CHAT_WS_PORT=8093 \
  "$JAVA" -cp "$DEV_JAR" chitchat.launcher.Gateway
wait_http http://127.0.0.1:8080/ gateway1
wait_http http://127.0.0.1:8090/ gateway2

cat <<EOM
Chit-Chat cluster is running (logs in $LOGS):
  chat instance 1: http://localhost:8080   (chat-server 1, WebSocket :8083)
  chat instance 2: http://localhost:8090   (chat-server 2, WebSocket :8093)
  auth-server:     http://localhost:8081/healthz   redis: $REDIS_SHOWN   store: ${MONGO_URI}
Open one URL per browser and chat across the two instances. Ctrl-C stops everything.
EOM
wait
