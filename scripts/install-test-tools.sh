#!/usr/bin/env bash
# Installs what the tests need and a fresh machine lacks: a real Redis (and redis-cli, which forms the Redis Cluster
# of the cluster-broker tests), a headless browser with its driver, and
# Node.js for the browser client's own tests (node --test, no packages).
# Uses apt when running as root; otherwise says what is missing (tests then fall back to the Redis binary
# bundled in the embedded-redis artifact, the Redis Cluster tests and browser tests skip with a message).
set -euo pipefail

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || need+=(redis-tools)
[[ -x /usr/bin/chromium ]] || need+=(chromium)
[[ -x /usr/bin/chromedriver ]] || need+=(chromium-driver)
command -v node >/dev/null 2>&1 || need+=(nodejs)

if [[ ${#need[@]} -eq 0 ]]; then
  exit 0
fi
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing test tools: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "Missing test tools: ${need[*]} (install them with apt-get; tests that need them will say so)" >&2
fi
