#!/usr/bin/env bash
# Makes chat-server/src/test/resources/v1-data/: a data directory written by the v1 server itself, for the
# test of the v2 migration (direct conversations made from v1's "conv" keys, messages numbered by stored
# order). A fixture typed by hand would only show what we think v1 wrote; this one is what it did write.
#
#   1. checks out the v1 code (commit $V1_COMMIT, 9a42dad) in a throw-away git worktree and builds its
#      dev launcher there (mvn package; nothing is installed into ~/.m2);
#   2. starts it on a fresh DATA_DIR (127.0.0.1, ports $V1_HTTP_PORT/$V1_WS_PORT, 18080/18083), then
#      scripts/fixture/V1Fixture.java signs up alice, bob, carol and dave, sends the scripted
#      conversations over /ws (v1 "chat msg" frames, each until its ack) and reads them back through
#      GET /api/messages?with= into expected.json;
#   3. stops the server with SIGTERM, copies only the embedded store's file (chitchat-store.mv.db; not
#      jwt-secret, not logs) into OUT_DIR, and checks a copy of it, opened with the v1 store classes,
#      against expected.json (and prints its collections, fields, types and indexes).
#
# Usage: scripts/make-v1-fixture.sh [OUT_DIR]   (default: chat-server/src/test/resources/v1-data)
#        CHECK_AGAINST=path/to/expected.json also compares the new expected.json with that one (content,
#        not ids). MVN_FLAGS (default -o) are added to mvn; set MVN_FLAGS= to let Maven download.
# Needs: git, a JDK 21+ (JAVA_HOME or scripts/find-jdk.sh), mvn, curl. README.md in the fixture says more.

set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/chat-server/src/test/resources/v1-data}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
commit="$(git -C "$root" rev-parse --verify "${V1_COMMIT:-9a42dad}^{commit}")"
http_port="${V1_HTTP_PORT:-18080}"
ws_port="${V1_WS_PORT:-18083}"
password="v1-fixture-password"
JAVA_HOME="$("$root/scripts/find-jdk.sh")"
export JAVA_HOME
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
read -r -a mvn_flags <<<"${MVN_FLAGS--o}"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/chitchat-v1-fixture.XXXXXX")"
worktree="$tmp/v1"
server_pid=""
cleanup() {
    local status=$?
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    git -C "$root" worktree remove --force "$worktree" >/dev/null 2>&1 || true
    if (( status != 0 )); then
        echo "make-v1-fixture: failed; the server's log and data are kept in $tmp" >&2
    else
        rm -rf "$tmp"
    fi
    exit "$status"
}
trap cleanup EXIT

# --- 1. the v1 code, built ---------------------------------------------------------------------

echo "make-v1-fixture: v1 is commit $commit; building it in $worktree"
git -C "$root" worktree add --detach --quiet "$worktree" "$commit"
(cd "$worktree" && mvn -B -q --no-transfer-progress "${mvn_flags[@]}" package -DskipTests)
jar="$worktree/launcher/target/chit-chat-dev.jar"
[[ -f "$jar" ]] || { echo "make-v1-fixture: $jar was not built" >&2; exit 1; }

# --- 2. the v1 server, used ----------------------------------------------------------------------

data="$tmp/data"
mkdir -m 700 "$data"
if curl -s -o /dev/null -m 2 "http://127.0.0.1:$http_port/" || curl -s -o /dev/null -m 2 "http://127.0.0.1:$ws_port/"; then
    echo "make-v1-fixture: something already answers on port $http_port or $ws_port (set V1_HTTP_PORT/V1_WS_PORT)" >&2
    exit 1
fi
# The dev launcher's defaults otherwise (bcrypt cost 12, embedded store, in-process broker), as `make run`.
env DATA_DIR="$data" HTTP_PORT="$http_port" WS_PORT="$ws_port" BIND_ADDRESS=127.0.0.1 \
    STATIC_DIR="$worktree/static-client" \
    "$JAVA_HOME/bin/java" -XX:+UseSerialGC -jar "$jar" >"$tmp/server.log" 2>&1 &
server_pid=$!
deadline=$((SECONDS + 60))
until curl -fsS -o /dev/null -m 2 "http://127.0.0.1:$http_port/healthz" 2>/dev/null; do
    if (( SECONDS >= deadline )) || ! kill -0 "$server_pid" 2>/dev/null; then
        echo "make-v1-fixture: the v1 server did not come up; its log:" >&2
        tail -n 20 "$tmp/server.log" >&2
        exit 1
    fi
    sleep 0.3
done
echo "make-v1-fixture: v1 server up on 127.0.0.1:$http_port (WebSocket $ws_port), DATA_DIR $data"

helper=("$JAVA_HOME/bin/java" -cp "$jar" "$root/scripts/fixture/V1Fixture.java")
"${helper[@]}" populate "http://127.0.0.1:$http_port" "ws://127.0.0.1:$ws_port/ws" "$password" "$commit" \
    "$tmp/expected.json"

# --- 3. stopped, copied, checked -----------------------------------------------------------------

kill -TERM "$server_pid"
server_status=0
wait "$server_pid" || server_status=$?
server_pid=""
# 143 is the JVM's usual exit after SIGTERM; either way the shutdown hook has run and closed the store.
if (( server_status != 0 && server_status != 143 )); then
    echo "make-v1-fixture: the v1 server exited with $server_status on SIGTERM; its log:" >&2
    tail -n 20 "$tmp/server.log" >&2
    exit 1
fi
echo "make-v1-fixture: server stopped (exit $server_status); DATA_DIR holds:"
(cd "$data" && ls -la)

store_file="$data/chitchat-store.mv.db"
[[ -f "$store_file" ]] || { echo "make-v1-fixture: no chitchat-store.mv.db in DATA_DIR" >&2; exit 1; }
# Only the store: jwt-secret would let whoever reads the fixture mint tokens for that run (harmless, but
# not data), and the migration needs nothing else.
install -m 644 "$store_file" "$out/chitchat-store.mv.db"
install -m 644 "$tmp/expected.json" "$out/expected.json"
size="$(stat -c %s "$out/chitchat-store.mv.db")"
echo "make-v1-fixture: wrote $out/chitchat-store.mv.db ($size bytes) and $out/expected.json"
if (( size > 2 * 1024 * 1024 )); then
    echo "make-v1-fixture: warning: the store file is over 2 MB" >&2
fi

# H2 writes to a file it opens, so the check reads a copy, never the fixture itself.
mkdir -m 700 "$tmp/check"
cp "$out/chitchat-store.mv.db" "$tmp/check/"
"${helper[@]}" inspect "$tmp/check" "$out/expected.json"

if [[ -n "${CHECK_AGAINST:-}" ]]; then
    "${helper[@]}" compare "$CHECK_AGAINST" "$out/expected.json"
fi
echo "make-v1-fixture: done"
