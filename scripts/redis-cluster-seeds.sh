#!/usr/bin/env bash
# Prints the seed list (host:port,...) of a local Redis Cluster started by testbed's LocalRedisCluster, read from
# its log, where it appears as REDIS_CLUSTER_NODES=... once every node reports cluster_state:ok; waits up to 60 s.
# Used by make run-cluster (REDIS_MODE=cluster) and make bench (BENCH_REDIS=cluster); fails, saying where to look,
# when the cluster does not come up.
set -euo pipefail
log="${1:?usage: $0 LOG_FILE (the log of LocalRedisCluster)}"
for _ in $(seq 1 300); do
  seeds="$(sed -n 's/^REDIS_CLUSTER_NODES=//p' "$log" 2>/dev/null || true)"
  if [[ -n "$seeds" ]]; then
    echo "$seeds"
    exit 0
  fi
  sleep 0.2
done
echo "the Redis Cluster did not come up; see $log" >&2
exit 1
